package io.lianbang.privacy.paillier;

import io.lianbang.privacy.InProcessRoutes;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** A {@link PaillierTransport} to {@link PaillierClient}s in the same JVM, as in a simulation. */
public final class InProcessPaillierTransport implements PaillierTransport {
  private final InProcessRoutes<PaillierClient> clients;

  /** Routes to {@code clients} by id; calls run on {@code executor}. */
  public InProcessPaillierTransport(Map<String, PaillierClient> clients, Executor executor) {
    this.clients = new InProcessRoutes<>(clients, executor);
  }

  @Override
  public CompletableFuture<EncryptedVector> collect(String clientId, int round, int length, Instant deadline) {
    return clients.call(clientId, c -> c.take(round), id -> new IllegalStateException("no Paillier client " + id), deadline);
  }
}
