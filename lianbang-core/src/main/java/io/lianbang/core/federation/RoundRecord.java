package io.lianbang.core.federation;

import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.Metrics;
import java.util.List;
import java.util.Objects;
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
 * @param traffic the bytes this round's tasks moved (see {@link Traffic} for what is counted)
 * @param totalTraffic the bytes moved by this round and all before it in the run
 */
public record RoundRecord(
    int round, int sampled, int succeeded, List<ClientFailure> failures, boolean updated,
    Metrics fitMetrics, Optional<EvalResult> federated, Optional<EvalResult> centralized, double seconds,
    Traffic traffic, Traffic totalTraffic) {

  public RoundRecord {
    failures = List.copyOf(failures);
    Objects.requireNonNull(traffic, "traffic");
    Objects.requireNonNull(totalTraffic, "totalTraffic");
  }

  /** A record of a round that moved no bytes (or whose bytes were not counted). */
  public RoundRecord(int round, int sampled, int succeeded, List<ClientFailure> failures, boolean updated,
      Metrics fitMetrics, Optional<EvalResult> federated, Optional<EvalResult> centralized, double seconds) {
    this(round, sampled, succeeded, failures, updated, fitMetrics, federated, centralized, seconds, Traffic.NONE, Traffic.NONE);
  }

  /**
   * The same record with the duration and the byte counts zeroed, for comparing runs: both depend
   * on the deployment (a transport counts its own framing and retried downloads), not on the seed.
   */
  public RoundRecord withoutTiming() {
    return new RoundRecord(round, sampled, succeeded, failures, updated, fitMetrics, federated, centralized, 0);
  }
}
