package io.lianbang.core.strategy;

import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of aggregating one round of training.
 *
 * @param parameters the new global model, or empty to keep the current one
 * @param metrics aggregated training metrics (e.g. the example-weighted mean {@code train_loss})
 */
public record FitOutcome(Optional<Parameters> parameters, Metrics metrics) {
  public FitOutcome {
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(metrics, "metrics");
  }
}
