package io.lianbang.core.federation;

import io.lianbang.core.task.EvalResult;

/**
 * The check every evaluation result passes before it may reach an aggregate: an example count of
 * at least 0 and a finite loss. Shared by the synchronous {@link Federation} and the asynchronous
 * driver, as {@link FitValidation} is for fit results.
 */
public final class EvalValidation {
  private EvalValidation() {}

  /**
   * Checks {@code result}.
   *
   * @throws IllegalArgumentException naming the loss and the example count if either is invalid
   */
  public static void check(EvalResult result) {
    if (result.numExamples() < 0 || !Double.isFinite(result.loss())) {
      throw new IllegalArgumentException("evaluation loss " + result.loss() + " over " + result.numExamples() + " examples is invalid");
    }
  }
}
