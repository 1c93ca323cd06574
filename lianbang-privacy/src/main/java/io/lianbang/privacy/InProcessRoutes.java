package io.lianbang.privacy;

import io.lianbang.core.client.Deadlines;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Calls to clients in the same JVM, as in a simulation, routed by client id and run on an executor
 * until a deadline: what the in-process secure-aggregation and Paillier transports share.
 *
 * @param <C> the client-side protocol object the calls run against
 */
public final class InProcessRoutes<C> {
  private final Map<String, C> clients;
  private final Executor executor;

  /** Routes to {@code clients} by id; calls run on {@code executor}. */
  public InProcessRoutes(Map<String, C> clients, Executor executor) {
    this.clients = Map.copyOf(clients);
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /**
   * Runs {@code call} against client {@code clientId} on the executor; the future fails with a
   * {@link java.util.concurrent.TimeoutException} at {@code deadline}, and at once with
   * {@code unknown}'s exception for an id with no client.
   */
  public <R> CompletableFuture<R> call(String clientId, Function<C, R> call, Function<String, ? extends Throwable> unknown,
                                       Instant deadline) {
    C c = clients.get(clientId);
    if (c == null) return CompletableFuture.failedFuture(unknown.apply(clientId));
    return Deadlines.supplyAsync(() -> call.apply(c), executor, deadline);
  }
}
