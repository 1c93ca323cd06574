package io.lianbang.core.federation;

import io.lianbang.core.client.ClientProxy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A fixed set of clients, all always available: the pool of a simulation. */
public final class StaticClientPool implements ClientPool {
  private final Map<String, ClientProxy> clients;
  private final List<String> ids;

  /**
   * @throws IllegalArgumentException if two clients share an id
   */
  public StaticClientPool(List<? extends ClientProxy> proxies) {
    TreeMap<String, ClientProxy> m = new TreeMap<>();
    for (ClientProxy p : proxies) {
      if (m.put(p.id(), p) != null) {
        throw new IllegalArgumentException("client id " + p.id() + " is used twice");
      }
    }
    this.clients = m;
    this.ids = List.copyOf(m.keySet());
  }

  @Override
  public List<String> available() {
    return ids;
  }

  @Override
  public Optional<ClientProxy> get(String id) {
    return Optional.ofNullable(clients.get(id));
  }

  @Override
  public boolean awaitAvailable(int count, Instant deadline) {
    return ids.size() >= count;
  }
}
