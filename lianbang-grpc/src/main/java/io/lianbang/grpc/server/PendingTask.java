package io.lianbang.grpc.server;

import io.lianbang.core.task.Config;
import io.lianbang.core.tensor.Parameters;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** A task sent to one remote client and not yet answered. */
final class PendingTask {
  enum Kind { FIT, EVALUATE, SECAGG }

  final String id;
  final Kind kind;
  final int round;
  final Parameters parameters;
  final Config config;
  final long seed;
  final Instant deadline;
  /** Completes with a FitResult or EvalResult, or exceptionally; completion closes the task. */
  final CompletableFuture<Object> result = new CompletableFuture<>();
  /** Set while an upload for this task is in progress; at most one at a time. */
  final AtomicBoolean uploading = new AtomicBoolean();
  /** SECAGG only: the encoded stage request, the response type it expects and the recipient's participant index. */
  final byte[] secaggRequest;
  final Class<?> secaggResponse;
  final int participant;

  PendingTask(String id, Kind kind, int round, Parameters parameters, Config config, long seed, Instant deadline) {
    this(id, kind, round, parameters, config, seed, deadline, null, null, -1);
  }

  private PendingTask(String id, Kind kind, int round, Parameters parameters, Config config, long seed, Instant deadline,
                      byte[] secaggRequest, Class<?> secaggResponse, int participant) {
    this.id = id;
    this.kind = kind;
    this.round = round;
    this.parameters = parameters;
    this.config = config;
    this.seed = seed;
    this.deadline = deadline;
    this.secaggRequest = secaggRequest;
    this.secaggResponse = secaggResponse;
    this.participant = participant;
  }

  /** A secure-aggregation stage: {@code request} for participant {@code participant}, answered by a {@code response}. */
  static PendingTask secAgg(String id, int round, byte[] request, Class<?> response, int participant, Instant deadline) {
    return new PendingTask(id, Kind.SECAGG, round, null, null, 0, deadline, request, response, participant);
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + " task " + id + " of round " + round;
  }
}
