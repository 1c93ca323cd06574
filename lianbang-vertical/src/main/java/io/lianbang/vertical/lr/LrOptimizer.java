package io.lianbang.vertical.lr;

/**
 * One party's optimizer state for its own coordinates. FATE 1.11 runs the optimizer on the
 * arbiter over the concatenated gradient ({@code hetero_linear_model_gradient.Arbiter}); both
 * rules are coordinate-wise, so running them on each party over its own coordinates gives the same
 * updates while the arbiter sees only masked gradients.
 *
 * <ul>
 *   <li>learning rate η_t = η/√(1 + δ·t) (or η/(1 + δ·t)), t the 0-based iteration, the same for
 *       every batch of an iteration ({@code _Optimizer.decay_learning_rate}, {@code set_iters(n_iter_)});
 *   <li>SGD: Δ = η_t·g ({@code _SgdOptimizer});
 *   <li>RMSprop: m ← ρ·m + (1 − ρ)·g², Δ = η_t·g/√(m + ε), ρ = {@value #RHO}, ε = {@value #EPSILON},
 *       m starting at 0 ({@code _RMSPropOptimizer});
 * </ul>
 * and the weights move by w ← w − Δ ({@code _l2_updator}: the L2 term α·w was already added to g).
 */
final class LrOptimizer {
  /** RMSprop's decay ρ in FATE 1.11 {@code _RMSPropOptimizer.__init__}. */
  static final double RHO = 0.99;
  /** RMSprop's ε, added under the square root, in FATE 1.11 {@code _RMSPropOptimizer.apply_gradients}. */
  static final double EPSILON = 1e-6;

  private final HeteroLrParams params;
  private final double[] m;

  LrOptimizer(HeteroLrParams params, int size) {
    this.params = params;
    this.m = new double[size];
  }

  /** The update Δ of gradient {@code g} in 0-based iteration {@code t}. */
  double[] delta(int t, double[] g) {
    double lr = params.learningRateAt(t);
    double[] d = new double[g.length];
    for (int j = 0; j < g.length; j++) {
      if (params.optimizer() == HeteroLrParams.Optimizer.RMSPROP) {
        m[j] = RHO * m[j] + (1 - RHO) * g[j] * g[j];
        d[j] = lr * g[j] / Math.sqrt(m[j] + EPSILON);
      } else {
        d[j] = lr * g[j];
      }
    }
    return d;
  }
}
