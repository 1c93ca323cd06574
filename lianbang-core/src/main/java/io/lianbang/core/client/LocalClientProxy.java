package io.lianbang.core.client;

import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A {@link ClientProxy} for a {@link Client} in the same JVM, run on a caller-supplied executor.
 * Parameters are immutable and handed over without copying.
 */
public final class LocalClientProxy extends AbstractClientProxy {
  private final Client client;
  private final Executor executor;

  /**
   * @param id the client's identifier
   * @param client the client to run
   * @param executor where {@code fit} and {@code evaluate} run
   */
  public LocalClientProxy(String id, Client client, Executor executor) {
    super(id);
    this.client = Objects.requireNonNull(client, "client");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  @Override
  public CompletableFuture<FitResult> fit(FitTask task, Instant deadline) {
    return Deadlines.supplyAsync(() -> client.fit(task), executor, deadline);
  }

  @Override
  public CompletableFuture<EvalResult> evaluate(EvalTask task, Instant deadline) {
    return Deadlines.supplyAsync(() -> client.evaluate(task), executor, deadline);
  }
}
