package io.lianbang.core.task;

import java.util.Objects;

/**
 * The outcome of an evaluation, by one client or aggregated over many.
 *
 * @param loss mean loss per example
 * @param numExamples how many examples were evaluated
 * @param metrics further metrics, e.g. {@code accuracy}
 */
public record EvalResult(double loss, long numExamples, Metrics metrics) {
  public EvalResult {
    Objects.requireNonNull(metrics, "metrics");
  }

  /** The same result with the metric {@code name} set to {@code value}. */
  public EvalResult withMetric(String name, double value) {
    return new EvalResult(loss, numExamples, metrics.with(name, value));
  }
}
