package io.lianbang.core.federation;

import io.lianbang.core.client.ClientProxy;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The clients a federation can currently reach. Implementations are thread-safe. */
public interface ClientPool {
  /** The ids of the clients available now, sorted. */
  List<String> available();

  /** The proxy for {@code id}, if that client is still available. */
  Optional<ClientProxy> get(String id);

  /**
   * Waits until at least {@code count} clients are available or {@code deadline} passes.
   *
   * @return true if enough clients are available
   * @throws InterruptedException if interrupted while waiting
   */
  boolean awaitAvailable(int count, Instant deadline) throws InterruptedException;
}
