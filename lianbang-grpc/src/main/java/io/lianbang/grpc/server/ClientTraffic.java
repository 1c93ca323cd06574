package io.lianbang.grpc.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The bytes of task calls per client identity, over all its sessions: uplink and downlink as
 * {@link TransportTraffic} attributes them. Only clients the server sent a task are counted, so
 * its size is bounded by the clients the server chose. Thread-safe.
 */
final class ClientTraffic {
  private static final int UP = 0;
  private static final int DOWN = 1;
  private final Map<String, AtomicLongArray> bytes = new ConcurrentHashMap<>();

  void uplink(String clientId, long n) {
    if (n > 0) counters(clientId).addAndGet(UP, n);
  }

  void downlink(String clientId, long n) {
    if (n > 0) counters(clientId).addAndGet(DOWN, n);
  }

  /** The bytes received from {@code clientId}. */
  long uplink(String clientId) {
    AtomicLongArray c = bytes.get(clientId);
    return c == null ? 0 : c.get(UP);
  }

  /** The bytes sent to {@code clientId}. */
  long downlink(String clientId) {
    AtomicLongArray c = bytes.get(clientId);
    return c == null ? 0 : c.get(DOWN);
  }

  private AtomicLongArray counters(String clientId) {
    return bytes.computeIfAbsent(clientId, k -> new AtomicLongArray(2));
  }
}
