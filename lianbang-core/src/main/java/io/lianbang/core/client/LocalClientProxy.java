package io.lianbang.core.client;

import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@link ClientProxy} for a {@link Client} in the same JVM, run on a caller-supplied executor.
 * Parameters are immutable and handed over without copying.
 */
public final class LocalClientProxy implements ClientProxy {
  private final String id;
  private final Client client;
  private final Executor executor;

  /**
   * @param id the client's identifier
   * @param client the client to run
   * @param executor where {@code fit} and {@code evaluate} run
   */
  public LocalClientProxy(String id, Client client, Executor executor) {
    this.id = Objects.requireNonNull(id, "id");
    this.client = Objects.requireNonNull(client, "client");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public CompletableFuture<FitResult> fit(FitTask task, Instant deadline) {
    return run(() -> client.fit(task), deadline);
  }

  @Override
  public CompletableFuture<EvalResult> evaluate(EvalTask task, Instant deadline) {
    return run(() -> client.evaluate(task), deadline);
  }

  private <T> CompletableFuture<T> run(Supplier<T> call, Instant deadline) {
    long nanos = Math.max(0, Duration.between(Instant.now(), deadline).toNanos());
    return CompletableFuture.supplyAsync(call, executor).orTimeout(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public String toString() {
    return "LocalClientProxy[" + id + "]";
  }
}
