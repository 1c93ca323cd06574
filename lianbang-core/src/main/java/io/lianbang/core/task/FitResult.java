package io.lianbang.core.task;

import io.lianbang.core.tensor.Parameters;
import java.util.Objects;

/**
 * A client's answer to a {@link FitTask}.
 *
 * @param parameters the locally trained model
 * @param numExamples how many local examples the training used; the weight in averaging
 * @param metrics client-reported metrics such as {@code train_loss}
 */
public record FitResult(Parameters parameters, long numExamples, Metrics metrics) {
  public FitResult {
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(metrics, "metrics");
  }
}
