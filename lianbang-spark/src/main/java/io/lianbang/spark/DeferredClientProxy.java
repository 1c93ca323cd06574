package io.lianbang.spark;

import io.lianbang.core.client.AbstractClientProxy;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * A client of a simulation on Spark, as the federation sees it: a fit task is handed to the
 * round's {@link SparkRounds Spark job}, which trains all the round's clients at once, and the
 * result that comes back is a receipt (see {@link SparkRounds#submit}).
 */
final class DeferredClientProxy extends AbstractClientProxy {
  private final SparkRounds rounds;

  DeferredClientProxy(String id, SparkRounds rounds) {
    super(id);
    this.rounds = rounds;
  }

  @Override
  public CompletableFuture<FitResult> fit(FitTask task, Instant deadline) {
    return rounds.submit(id(), task, deadline);
  }

  /** Fails: the Spark backend does not evaluate on clients. */
  @Override
  public CompletableFuture<EvalResult> evaluate(EvalTask task, Instant deadline) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException(
        "backend spark does not evaluate on clients (strategy.evaluate_clients_per_round must be 0)"));
  }
}
