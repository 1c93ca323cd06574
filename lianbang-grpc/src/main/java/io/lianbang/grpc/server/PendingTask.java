package io.lianbang.grpc.server;

import io.lianbang.core.task.Config;
import io.lianbang.core.tensor.Parameters;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/** A task sent to one remote client and not yet answered. */
final class PendingTask {
  private static final SecureRandom RANDOM = new SecureRandom();

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

  /** A fresh, unguessable task id such as {@code r3-fit-<24 hex digits>}. */
  static String newId(int round, Kind kind) {
    byte[] raw = new byte[12];
    RANDOM.nextBytes(raw);
    return "r" + round + "-" + kind.name().toLowerCase(Locale.ROOT) + "-" + HexFormat.of().formatHex(raw);
  }

  /**
   * Queues this task for {@code client}. The returned view completes with the result as a
   * {@code type}, fails at the deadline, and closes the task when cancelled.
   */
  <T> CompletableFuture<T> dispatch(RemoteClient client, String runId, Class<T> type) {
    long nanos = Math.max(0, Duration.between(Instant.now(), deadline).toNanos());
    result.orTimeout(nanos, TimeUnit.NANOSECONDS);
    client.enqueue(this, runId);
    CompletableFuture<T> view = new CompletableFuture<>();
    result.whenComplete((r, e) -> {
      if (e != null) view.completeExceptionally(e);
      else view.complete(type.cast(r));
    });
    view.whenComplete((r, e) -> result.cancel(false)); // cancelling the view closes the task
    return view;
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(Locale.ROOT) + " task " + id + " of round " + round;
  }
}
