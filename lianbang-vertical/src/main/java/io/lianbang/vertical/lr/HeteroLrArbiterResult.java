package io.lianbang.vertical.lr;

import java.util.List;

/**
 * What the arbiter ends a run with: no weights, only the loss history and the convergence state.
 *
 * @param lossHistory the mean Taylor loss of each iteration (empty with more than one host, whose
 *     loss the protocol does not compute, as in FATE)
 * @param iterations the iterations run
 * @param converged whether the convergence test held before {@code maxIter}
 */
public record HeteroLrArbiterResult(List<Double> lossHistory, int iterations, boolean converged) {
  /** Copies the list. */
  public HeteroLrArbiterResult {
    lossHistory = List.copyOf(lossHistory);
  }
}
