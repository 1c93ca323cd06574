package io.lianbang.engine.nn;

import java.util.List;

/**
 * Updates parameters from their gradients. Create one from an {@link OptimizerConfig}; an
 * optimizer keeps per-parameter state (momentum, moments), allocated on the first step, and must
 * always be used with the same parameters. Updates are element-wise, so splitting them across
 * threads does not change any bits.
 */
public abstract class Optimizer {
  private List<Param> bound;

  Optimizer() {}

  /**
   * Binds this optimizer to {@code params} on first use.
   *
   * @throws IllegalStateException if it is already bound to other parameters
   */
  final void bind(List<Param> params) {
    if (bound == null) {
      bound = params;
      init(params);
    } else if (bound != params && !bound.equals(params)) {
      throw new IllegalStateException("optimizer is already bound to other parameters " + bound);
    }
  }

  /**
   * Applies one update to every parameter, except those a layer already updated during backward
   * (see {@link #fusedSgdLr()}).
   */
  final void step(List<Param> params, Exec exec) {
    bind(params);
    beforeStep();
    for (int i = 0; i < params.size(); i++) {
      Param p = params.get(i);
      if (p.updatedInBackward) {
        p.updatedInBackward = false;
      } else {
        int idx = i;
        exec.parallel(p.size(), p.size() * 8L, (part, from, to) -> update(idx, p, from, to));
      }
      p.version++;
    }
  }

  /**
   * If this step is plain SGD ({@code p -= lr·g}, no state), its learning rate, so layers can
   * apply it while they compute the gradient; otherwise NaN.
   */
  float fusedSgdLr() {
    return Float.NaN;
  }

  /** Allocates state for {@code params}. */
  abstract void init(List<Param> params);

  /** Called once per step before the updates (e.g. to advance a step counter). */
  void beforeStep() {}

  /** Updates elements {@code [from, to)} of parameter number {@code index}. */
  abstract void update(int index, Param p, int from, int to);
}
