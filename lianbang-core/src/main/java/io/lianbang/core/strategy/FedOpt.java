package io.lianbang.core.strategy;

import io.lianbang.core.strategy.registry.ParameterRange;
import io.lianbang.core.task.Config;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

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
  private final double eta;
  private final double beta1;
  private final double beta2;
  private final double tau;
  private final double v0;
  private final boolean biasCorrection;
  private float[] m;
  private float[] v;

  /**
   * The paper's setting: {@code v0 = τ²}, no bias correction.
   *
   * @param settings sampling, configuration and evaluation settings shared with FedAvg
   * @param eta the server learning rate η, &gt; 0
   * @param beta1 first-moment decay β1, in [0, 1)
   * @param beta2 second-moment decay β2, in [0, 1) (unused by FedAdagrad)
   * @param tau the adaptivity τ, &gt; 0
   * @throws IllegalArgumentException naming the parameter, value and valid range
   */
  protected FedOpt(FedAvg.Builder settings, double eta, double beta1, double beta2, double tau) {
    this(settings, eta, beta1, beta2, tau, tau * tau, false);
  }

  /**
   * @param settings sampling, configuration and evaluation settings shared with FedAvg
   * @param eta the server learning rate η, &gt; 0
   * @param beta1 first-moment decay β1, in [0, 1)
   * @param beta2 second-moment decay β2, in [0, 1) (unused by FedAdagrad)
   * @param tau the adaptivity τ, &gt; 0
   * @param v0 the initial second moment, &ge; 0 (τ² in the paper, 0 in Flower)
   * @param biasCorrection whether the step uses Adam's bias-corrected rate as Flower's FedAdam
   * @throws IllegalArgumentException naming the parameter, value and valid range
   */
  protected FedOpt(FedAvg.Builder settings, double eta, double beta1, double beta2, double tau, double v0,
      boolean biasCorrection) {
    super(settings);
    ServerOptimizers.positive("eta", eta);
    ServerOptimizers.halfOpenUnit("beta1", beta1);
    ServerOptimizers.halfOpenUnit("beta2", beta2);
    ServerOptimizers.positive("tau", tau);
    ServerOptimizers.nonNegative("v0", v0);
    this.eta = eta;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.tau = tau;
    this.v0 = v0;
    this.biasCorrection = biasCorrection;
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
   * each setter checking its value and naming the property if it is out of range.
   *
   * @param <B> the concrete builder, returned by every setter
   */
  public abstract static class Builder<B extends Builder<B>> extends FedAvg.Builder {
    private double eta;
    private double beta1;
    private double beta2;
    private double tau;
    private Double v0;
    private boolean biasCorrection;

    /** A builder with the given defaults, {@code v0 = τ²} and no bias correction. */
    protected Builder(double eta, double beta1, double beta2, double tau) {
      this.eta = eta;
      this.beta1 = beta1;
      this.beta2 = beta2;
      this.tau = tau;
    }

    /** This builder, typed as the concrete one. */
    @SuppressWarnings("unchecked")
    protected final B self() {
      return (B) this;
    }

    /** The server learning rate η, &gt; 0. */
    public B eta(double v) {
      this.eta = ParameterRange.POSITIVE.check("eta", v);
      return self();
    }

    /** First-moment decay β1, in [0, 1). */
    public B beta1(double v) {
      this.beta1 = ParameterRange.UNIT.check("beta1", v);
      return self();
    }

    /** The adaptivity τ, &gt; 0. */
    public B tau(double v) {
      this.tau = ParameterRange.POSITIVE.check("tau", v);
      return self();
    }

    /** The initial second moment, &ge; 0 (τ² unless set, as the paper; 0 as Flower). */
    public B v0(double v) {
      this.v0 = ParameterRange.NON_NEGATIVE.check("v0", v);
      return self();
    }

    /** Sets β2, in [0, 1), for the subclasses whose second moment uses it. */
    protected final B setBeta2(double v) {
      this.beta2 = ParameterRange.UNIT.check("beta2", v);
      return self();
    }

    /** Sets whether the step uses Adam's bias-corrected rate, for the subclasses that offer it. */
    protected final B setBiasCorrection(boolean v) {
      this.biasCorrection = v;
      return self();
    }

    /** η as set. */
    protected final double eta() {
      return eta;
    }

    /** β1 as set. */
    protected final double beta1() {
      return beta1;
    }

    /** β2 as set. */
    protected final double beta2() {
      return beta2;
    }

    /** τ as set. */
    protected final double tau() {
      return tau;
    }

    /** The initial second moment: as set, else τ². */
    protected final double v0() {
      return v0 == null ? tau * tau : v0;
    }

    /** Whether bias correction is on. */
    protected final boolean biasCorrection() {
      return biasCorrection;
    }

    @Override
    public B fractionFit(double v) {
      super.fractionFit(v);
      return self();
    }

    @Override
    public B fractionEvaluate(double v) {
      super.fractionEvaluate(v);
      return self();
    }

    @Override
    public B minFitClients(int v) {
      super.minFitClients(v);
      return self();
    }

    @Override
    public B minEvaluateClients(int v) {
      super.minEvaluateClients(v);
      return self();
    }

    @Override
    public B minAvailableClients(int v) {
      super.minAvailableClients(v);
      return self();
    }

    @Override
    public B fitConfig(IntFunction<Config> v) {
      super.fitConfig(v);
      return self();
    }

    @Override
    public B evaluateConfig(IntFunction<Config> v) {
      super.evaluateConfig(v);
      return self();
    }

    @Override
    public B centralEvaluator(CentralEvaluator v) {
      super.centralEvaluator(v);
      return self();
    }

    /** Builds the strategy. */
    @Override
    public abstract FedOpt build();
  }

  /**
   * A {@link Builder} that also offers β2 and bias correction: for the optimisers whose second
   * moment decays with β2 (FedAdam, FedYogi).
   *
   * @param <B> the concrete builder, returned by every setter
   */
  public abstract static class AdaptiveBuilder<B extends AdaptiveBuilder<B>> extends Builder<B> {
    /** A builder with the given defaults, {@code v0 = τ²} and no bias correction. */
    protected AdaptiveBuilder(double eta, double beta1, double beta2, double tau) {
      super(eta, beta1, beta2, tau);
    }

    /** Second-moment decay β2, in [0, 1). */
    public B beta2(double v) {
      return setBeta2(v);
    }

    /** Whether the step uses Adam's bias-corrected rate (see {@link FedOpt}). */
    public B biasCorrection(boolean v) {
      return setBiasCorrection(v);
    }
  }
}
