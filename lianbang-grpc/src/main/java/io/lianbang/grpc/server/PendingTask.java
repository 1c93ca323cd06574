package io.lianbang.grpc.server;

import io.lianbang.core.task.Config;
import io.lianbang.core.tensor.Parameters;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** A task sent to one remote client and not yet answered. */
final class PendingTask {
  enum Kind { FIT, EVALUATE }

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

  PendingTask(String id, Kind kind, int round, Parameters parameters, Config config, long seed, Instant deadline) {
    this.id = id;
    this.kind = kind;
    this.round = round;
    this.parameters = parameters;
    this.config = config;
    this.seed = seed;
    this.deadline = deadline;
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase(java.util.Locale.ROOT) + " task " + id + " of round " + round;
  }
}
