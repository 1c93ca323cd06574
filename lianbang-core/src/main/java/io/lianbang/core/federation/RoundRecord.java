package io.lianbang.core.federation;

import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.Metrics;
import java.util.List;
import java.util.Optional;

/**
 * What happened in one round.
 *
 * @param round the round, counted from 1 (0 records the evaluation of the initial model)
 * @param sampled how many clients were asked to train
 * @param succeeded how many valid results were aggregated
 * @param failures the clients that failed, by id order
 * @param updated whether the global model changed (false if the quorum was not met)
 * @param fitMetrics example-weighted training metrics, e.g. {@code train_loss}
 * @param federated federated evaluation, if any ran
 * @param centralized centralized evaluation, if any ran
 * @param seconds wall-clock duration of the round (not part of reproducibility)
 */
public record RoundRecord(
    int round, int sampled, int succeeded, List<ClientFailure> failures, boolean updated,
    Metrics fitMetrics, Optional<EvalResult> federated, Optional<EvalResult> centralized, double seconds) {

  public RoundRecord {
    failures = List.copyOf(failures);
  }

  /** The same record with the duration zeroed, for comparing runs. */
  public RoundRecord withoutTiming() {
    return new RoundRecord(round, sampled, succeeded, failures, updated, fitMetrics, federated, centralized, 0);
  }
}
