package io.lianbang.core.federation;

import io.lianbang.core.task.FitResult;
import io.lianbang.core.tensor.Parameters;

/**
 * The checks every fit result passes before it may reach an aggregate: a positive example count,
 * the layout of the model the client started from, and only finite values. Shared by the
 * synchronous {@link Federation} and the asynchronous driver.
 */
public final class FitValidation {
  private FitValidation() {}

  /**
   * Checks {@code result}, trained from {@code start}.
   *
   * @throws IllegalArgumentException naming the problem if the example count is not positive, the
   *     layout differs from {@code start}'s, or a value is NaN or infinite
   */
  public static void check(Parameters start, FitResult result) {
    if (result.numExamples() <= 0) {
      throw new IllegalArgumentException("numExamples must be > 0, got " + result.numExamples());
    }
    String mismatch = start.layoutMismatch(result.parameters());
    if (mismatch != null) throw new IllegalArgumentException("parameters: " + mismatch);
    String nonFinite = result.parameters().firstNonFinite();
    if (nonFinite != null) throw new IllegalArgumentException("parameters contain a non-finite value: " + nonFinite);
  }
}
