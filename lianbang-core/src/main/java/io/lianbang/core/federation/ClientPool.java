package io.lianbang.core.federation;

import io.lianbang.core.client.ClientProxy;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The clients a federation can currently reach. Implementations are thread-safe. */
public interface ClientPool {
  /** The ids of the clients available now, sorted: a list that does not change once returned. */
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

  /**
   * The meter to which this pool's transport reports the bytes it moves for each round's tasks,
   * if it measures them; empty (the default) to have the {@link Federation} count the
   * parameters' {@link EncodedSize encoded size} instead.
   */
  default Optional<TrafficMeter> trafficMeter() {
    return Optional.empty();
  }
}
