package io.lianbang.privacy.paillier;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** A {@link PaillierTransport} to {@link PaillierClient}s in the same JVM, as in a simulation. */
public final class InProcessPaillierTransport implements PaillierTransport {
  private final Map<String, PaillierClient> clients;
  private final Executor executor;

  /** Routes to {@code clients} by id; calls run on {@code executor}. */
  public InProcessPaillierTransport(Map<String, PaillierClient> clients, Executor executor) {
    this.clients = Map.copyOf(clients);
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  @Override
  public CompletableFuture<EncryptedVector> collect(String clientId, int round, int length, Instant deadline) {
    PaillierClient c = clients.get(clientId);
    if (c == null) return CompletableFuture.failedFuture(new IllegalStateException("no Paillier client " + clientId));
    long nanos = Math.max(0, Duration.between(Instant.now(), deadline).toNanos());
    return CompletableFuture.supplyAsync(() -> c.take(round), executor).orTimeout(nanos, TimeUnit.NANOSECONDS);
  }
}
