package io.lianbang.sim;

import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.federation.ClientPool;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * The clients of a cross-device simulation, all always available, each built only when the round
 * loop asks for it and dropped once its task is done: a client is an index into the partition
 * until it is sampled. Memory is O(clients in flight), not O(clients). Only for clients without
 * state across rounds (a fresh client computes what the same client kept from an earlier round
 * would); {@link Simulation} builds stateful clients (SCAFFOLD control variates, error-feedback
 * residuals, privacy wiring) once, up front, in a {@link io.lianbang.core.federation.StaticClientPool}.
 * Thread-safe if {@code build} is.
 */
final class LazyClientPool implements ClientPool {
  private final ClientIds ids;
  private final IntFunction<ClientProxy> build;

  /**
   * @param ids the clients' ids
   * @param build the proxy of the client with the given index; its {@link ClientProxy#id()} must be {@code ids.get(index)}
   */
  LazyClientPool(ClientIds ids, IntFunction<ClientProxy> build) {
    this.ids = Objects.requireNonNull(ids, "ids");
    this.build = Objects.requireNonNull(build, "build");
  }

  @Override
  public List<String> available() {
    return ids;
  }

  @Override
  public Optional<ClientProxy> get(String id) {
    int index = ids.indexOf(id);
    return index < 0 ? Optional.empty() : Optional.of(build.apply(index));
  }

  @Override
  public boolean awaitAvailable(int count, Instant deadline) {
    return ids.size() >= count;
  }
}
