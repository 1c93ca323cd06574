package io.lianbang.core.task;

import io.lianbang.core.aggregate.ExactWeightedSum;
import io.lianbang.core.tensor.Parameters;
import java.util.Objects;

/**
 * A client's answer to a {@link FitTask}.
 *
 * <p>An edge aggregator (hierarchical aggregation) answers for all of its own clients at once:
 * its result carries their exact {@linkplain ExactWeightedSum partial sum}, which a weighted-mean
 * strategy folds in with {@link ExactWeightedSum#addAll}, so that the tree's aggregate equals the
 * flat one bit for bit.
 *
 * @param parameters the locally trained model; for a partial sum, its weighted mean
 * @param numExamples how many local examples the training used; the weight in averaging. For a
 *     partial sum, its total weight
 * @param metrics client-reported metrics such as {@code train_loss}
 * @param partialSum null for an ordinary client; for an edge aggregator, the exact weighted sum
 *     of its clients' models
 */
public record FitResult(Parameters parameters, long numExamples, Metrics metrics, ExactWeightedSum.State partialSum) {
  /**
   * @throws IllegalArgumentException if a partial sum holds no term or its total weight differs
   *     from {@code numExamples}
   */
  public FitResult {
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(metrics, "metrics");
    if (partialSum != null) {
      if (partialSum.terms() < 1) throw new IllegalArgumentException("partial sum terms must be >= 1, got " + partialSum.terms());
      if (partialSum.totalWeight() != numExamples) {
        throw new IllegalArgumentException("partial sum total weight " + partialSum.totalWeight() + " differs from numExamples " + numExamples);
      }
    }
  }

  /** An ordinary client's result: its trained model. */
  public FitResult(Parameters parameters, long numExamples, Metrics metrics) {
    this(parameters, numExamples, metrics, null);
  }

  /**
   * An edge aggregator's result: the exact sum of its clients' weighted models, with their
   * weighted mean as {@link #parameters()}.
   *
   * @throws IllegalArgumentException if the sum is empty or its total weight is not a whole number
   */
  public static FitResult ofPartialSum(ExactWeightedSum sum, Metrics metrics) {
    if (sum.terms() < 1) throw new IllegalArgumentException("partial sum terms must be >= 1, got " + sum.terms());
    double w = sum.totalWeight();
    if (w != Math.rint(w) || w > Long.MAX_VALUE) throw new IllegalArgumentException("partial sum total weight must be a whole number of examples, got " + w);
    return new FitResult(sum.mean(), (long) w, metrics, sum.state());
  }

  /** True if this result is an edge aggregator's partial sum. */
  public boolean isPartialSum() {
    return partialSum != null;
  }
}
