package io.lianbang.core.strategy;

import static io.lianbang.core.strategy.registry.ParameterRange.FLAG;
import static io.lianbang.core.strategy.registry.ParameterRange.NON_NEGATIVE;
import static io.lianbang.core.strategy.registry.ParameterRange.POSITIVE;
import static io.lianbang.core.strategy.registry.ParameterRange.UNIT;
import static io.lianbang.core.strategy.registry.StrategyParameter.derived;
import static io.lianbang.core.strategy.registry.StrategyParameter.of;

import io.lianbang.core.strategy.registry.StrategyParameter;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Adaptive federated optimization: the server treats {@code Δ = mean(x_i) − x} (the
 * example-weighted mean of the clients' models minus the global model) as a pseudo-gradient and
 * applies an adaptive optimizer to it:
 * <pre>
 *   m ← β1·m + (1 − β1)·Δ
 *   v ← secondMoment(v, Δ²)           (Adagrad, Adam or Yogi)
 *   x ← x + η · m / (√v + τ)
 * </pre>
 * with {@code m} starting at 0 and {@code v} at {@code v0}.
 *
 * <p>Two options select between the paper and Flower ({@code flwr.server.strategy}), so that a
 * Flower run can be reproduced:
 * <ul>
 *   <li>{@code v0}, the initial second moment: τ² by default, the paper's {@code v_{-1} ≥ τ²};
 *       Flower starts {@code v} at 0. Without the τ² term in {@code v} the steps are larger
 *       where Δ² is not large compared with τ² (negligible with τ = 1e-9, not with FedYogi's
 *       1e-3); FedAdam forgets the term over the rounds, FedAdagrad keeps it.
 *   <li>{@code biasCorrection}: off by default, as in the paper. On, the step uses Adam's
 *       bias-corrected rate {@code η_t = η·√(1 − β2^(t+1)) / (1 − β1^(t+1))} with {@code t} the
 *       round (from 1), exactly as Flower's FedAdam computes it (its exponent is the round plus
 *       one, so round 1 is not fully de-biased). The factor tends to 1 over the rounds (with
 *       β1 = 0.9, β2 = 0.99 it is 0.74 in round 1 and 0.48 in round 9). Flower corrects FedAdam
 *       only, not FedYogi or FedAdagrad.
 * </ul>
 * Flower's settings: FedAdam {@code v0 = 0} with bias correction; FedYogi and FedAdagrad
 * {@code v0 = 0} without (Flower's FedAdagrad also fixes β1 = 0).
 *
 * <p>Reference: S. J. Reddi, Z. Charles, M. Zaheer, Z. Garrett, K. Rush, J. Konečný, S. Kumar,
 * H. B. McMahan, "Adaptive Federated Optimization", ICLR 2021 (Algorithm 2).
 *
 * <p>State ({@link #state()}): tensors {@code m} then {@code v}, each in the model's layout
 * flattened to one vector (empty before the first update); kept in float32.
 */
public abstract class FedOpt extends FedAvg implements StatefulStrategy {
  /** The second-moment decay β2 of FedAdam and FedYogi. */
  public static final StrategyParameter BETA2 = of("beta2", "0.99", UNIT, "second-moment decay");
  /** The initial second moment, τ² unless set (as the paper; 0 as Flower). */
  public static final StrategyParameter V0 = derived("v0", "τ²", NON_NEGATIVE, "initial second moment (0 as Flower)");
  /** Whether FedAdam and FedYogi use Adam's bias-corrected rate (1) or not (0). */
  public static final StrategyParameter BIAS_CORRECTION = of("bias_correction", "0", FLAG,
      "1 scales eta by sqrt(1 - beta2^(t+1)) / (1 - beta1^(t+1)) in round t, as Flower's FedAdam");

  private final double eta;
  private final double beta1;
  private final double beta2;
  private final double tau;
  private final double v0;
  private final boolean biasCorrection;
  private float[] m;
  private float[] v;

  /** The server learning rate η of an optimizer, with its default. */
  static StrategyParameter eta(String defaultText) {
    return of("eta", defaultText, POSITIVE, "server learning rate");
  }

  /** The first-moment decay β1 of an optimizer, with its default. */
  static StrategyParameter beta1(String defaultText) {
    return of("beta1", defaultText, UNIT, "first-moment decay");
  }

  /** The adaptivity τ of an optimizer, with its default. */
  static StrategyParameter tau(String defaultText) {
    return of("tau", defaultText, POSITIVE, "adaptivity");
  }

  /** The optimizer its builder configured (the builder checked every value). */
  protected FedOpt(Builder<?> b) {
    super(b);
    this.eta = b.eta;
    this.beta1 = b.beta1;
    this.beta2 = b.beta2;
    this.tau = b.tau;
    this.v0 = b.v0 == null ? b.tau * b.tau : b.v0;
    this.biasCorrection = b.biasCorrection;
  }

  /** β2, for the second-moment rules that use it. */
  protected final double beta2() {
    return beta2;
  }

  /** The new second moment from the old one {@code v} and the squared pseudo-gradient {@code d2}. */
  protected abstract double secondMoment(double v, double d2);

  @Override
  public final FitAggregation beginFit(RoundContext context) {
    return new ThenAggregation(super.beginFit(context), mean -> step(context.round(), context.global(), mean));
  }

  /**
   * The server learning rate of round {@code round}: η, or with bias correction
   * {@code η·√(1 − β2^(round+1)) / (1 − β1^(round+1))}.
   */
  private double rate(int round) {
    if (!biasCorrection) return eta;
    double t = round + 1.0;
    return eta * Math.sqrt(1 - Math.pow(beta2, t)) / (1 - Math.pow(beta1, t));
  }

  private Parameters step(int round, Parameters global, Parameters mean) {
    float[] x = global.flatten();
    float[] a = mean.flatten();
    if (m == null) {
      m = new float[x.length];
      v = new float[x.length];
      java.util.Arrays.fill(v, (float) v0);
    }
    double eta = rate(round);
    float[] out = new float[x.length];
    for (int k = 0; k < x.length; k++) {
      double d = (double) a[k] - x[k];
      m[k] = (float) (beta1 * m[k] + (1 - beta1) * d);
      v[k] = (float) secondMoment(v[k], d * d);
      out[k] = (float) (x[k] + eta * m[k] / (Math.sqrt(v[k]) + tau));
    }
    return Parameters.unflatten(global.shapes(), out);
  }

  /** The state (see the class documentation for its layout). */
  @Override
  public final StrategyState state() {
    if (m == null) return StrategyState.empty();
    return new StrategyState(Parameters.of(Tensor.vector(m), Tensor.vector(v)), Map.of());
  }

  /** Replaces the state with one {@link #state()} returned. */
  @Override
  public final void restore(StrategyState state) {
    Parameters t = state.tensors();
    if (t.count() == 0) {
      m = null;
      v = null;
      return;
    }
    if (t.count() != 2 || t.tensor(0).size() != t.tensor(1).size()) {
      throw new IllegalArgumentException(getClass().getSimpleName() + " state must be two equal-size tensors (m, v), got " + t);
    }
    List<Tensor> ts = t.tensors();
    m = ts.get(0).toArray();
    v = ts.get(1).toArray();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(eta=" + eta + ", beta1=" + beta1 + ", beta2=" + beta2 + ", tau=" + tau
        + ", v0=" + v0 + ", biasCorrection=" + biasCorrection + ")";
  }

  /** The server-side step consumes only the weighted mean of the results. */
  @Override
  public boolean aggregatesWeightedMean() {
    return true;
  }

  /**
   * Configures a {@link FedOpt}: the shared FedAvg settings and the optimizer's hyper-parameters,
   * each setter checking its value against the declared {@link StrategyParameter} and naming the
   * property if it is out of range.
   *
   * @param <B> the concrete builder, returned by every setter
   */
  public abstract static class Builder<B extends Builder<B>> extends StrategyBuilder<B> {
    private final StrategyParameter etaParameter;
    private final StrategyParameter beta1Parameter;
    private final StrategyParameter tauParameter;
    private double eta;
    private double beta1;
    private double beta2;
    private double tau;
    private Double v0;
    private boolean biasCorrection;

    /** A builder with the declared defaults of η, β1 and τ, β2 = 0, {@code v0 = τ²} and no bias correction. */
    protected Builder(StrategyParameter eta, StrategyParameter beta1, StrategyParameter tau) {
      this.eta = eta.defaultValue();
      this.beta1 = beta1.defaultValue();
      this.tau = tau.defaultValue();
      this.etaParameter = eta;
      this.beta1Parameter = beta1;
      this.tauParameter = tau;
    }

    /** The server learning rate η, &gt; 0. */
    public B eta(double v) {
      this.eta = etaParameter.check("eta", v);
      return self();
    }

    /** First-moment decay β1, in [0, 1). */
    public B beta1(double v) {
      this.beta1 = beta1Parameter.check("beta1", v);
      return self();
    }

    /** The adaptivity τ, &gt; 0. */
    public B tau(double v) {
      this.tau = tauParameter.check("tau", v);
      return self();
    }

    /** The initial second moment, &ge; 0 (τ² unless set, as the paper; 0 as Flower). */
    public B v0(double v) {
      this.v0 = V0.check("v0", v);
      return self();
    }

    /** Sets β2, in [0, 1), for the subclasses whose second moment uses it. */
    protected final B setBeta2(double v) {
      this.beta2 = BETA2.check("beta2", v);
      return self();
    }

    /** Sets whether the step uses Adam's bias-corrected rate, for the subclasses that offer it. */
    protected final B setBiasCorrection(boolean v) {
      this.biasCorrection = v;
      return self();
    }

    /** Builds the strategy. */
    @Override
    public abstract FedOpt build();
  }

  /**
   * A {@link Builder} that also offers β2 and bias correction, for the optimisers whose second
   * moment decays with β2 (FedAdam, FedYogi): it builds the strategy its constructor makes.
   *
   * @param <S> the strategy built
   */
  public static final class AdaptiveBuilder<S extends FedOpt> extends Builder<AdaptiveBuilder<S>> {
    private final Function<? super AdaptiveBuilder<S>, S> constructor;

    /**
     * A builder with the declared defaults of η, β1 and τ, {@link #BETA2}'s, {@code v0 = τ²} and no
     * bias correction, whose {@link #build()} calls {@code constructor}.
     */
    public AdaptiveBuilder(StrategyParameter eta, StrategyParameter beta1, StrategyParameter tau,
        Function<? super AdaptiveBuilder<S>, S> constructor) {
      super(eta, beta1, tau);
      this.constructor = Objects.requireNonNull(constructor, "constructor");
      setBeta2(BETA2.defaultValue());
    }

    /** Second-moment decay β2, in [0, 1). */
    public AdaptiveBuilder<S> beta2(double v) {
      return setBeta2(v);
    }

    /** Whether the step uses Adam's bias-corrected rate (see {@link FedOpt}). */
    public AdaptiveBuilder<S> biasCorrection(boolean v) {
      return setBiasCorrection(v);
    }

    @Override
    public S build() {
      return constructor.apply(this);
    }
  }
}
