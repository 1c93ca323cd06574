package io.lianbang.core.strategy;

import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Adaptive federated optimization: the server treats {@code Δ = mean(x_i) − x} (the
 * example-weighted mean of the clients' models minus the global model) as a pseudo-gradient and
 * applies an adaptive optimizer to it:
 * <pre>
 *   m ← β1·m + (1 − β1)·Δ
 *   v ← secondMoment(v, Δ²)           (Adagrad, Adam or Yogi)
 *   x ← x + η · m / (√v + τ)
 * </pre>
 * with {@code m} starting at 0 and {@code v} at τ² (the paper's {@code v_{-1} ≥ τ²}); no bias
 * correction, as in the paper.
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
  private float[] m;
  private float[] v;

  /**
   * @param settings sampling, configuration and evaluation settings shared with FedAvg
   * @param eta the server learning rate η, &gt; 0
   * @param beta1 first-moment decay β1, in [0, 1)
   * @param beta2 second-moment decay β2, in [0, 1) (unused by FedAdagrad)
   * @param tau the adaptivity τ, &gt; 0
   * @throws IllegalArgumentException naming the parameter, value and valid range
   */
  protected FedOpt(FedAvg.Builder settings, double eta, double beta1, double beta2, double tau) {
    super(settings);
    ServerOptimizers.positive("eta", eta);
    ServerOptimizers.halfOpenUnit("beta1", beta1);
    ServerOptimizers.halfOpenUnit("beta2", beta2);
    ServerOptimizers.positive("tau", tau);
    this.eta = eta;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.tau = tau;
  }

  /** β2, for the second-moment rules that use it. */
  protected final double beta2() {
    return beta2;
  }

  /** The new second moment from the old one {@code v} and the squared pseudo-gradient {@code d2}. */
  protected abstract double secondMoment(double v, double d2);

  @Override
  public final FitAggregation beginFit(int round, Parameters global) {
    return new ThenAggregation(super.beginFit(round, global), mean -> step(global, mean));
  }

  private Parameters step(Parameters global, Parameters mean) {
    float[] x = global.flatten();
    float[] a = mean.flatten();
    if (m == null) {
      m = new float[x.length];
      v = new float[x.length];
      java.util.Arrays.fill(v, (float) (tau * tau));
    }
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
    return getClass().getSimpleName() + "(eta=" + eta + ", beta1=" + beta1 + ", beta2=" + beta2 + ", tau=" + tau + ")";
  }

  /** The server-side step consumes only the weighted mean of the results. */
  @Override
  public boolean aggregatesWeightedMean() {
    return true;
  }
}
