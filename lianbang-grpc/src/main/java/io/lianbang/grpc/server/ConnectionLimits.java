package io.lianbang.grpc.server;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits on the TCP connections of a {@link FederationServer}, so that idle or half-open
 * connections cannot exhaust the server's file descriptors and lock honest clients out.
 *
 * @param maxConnections connections open at once, from all addresses; further ones are closed on
 *     accept
 * @param maxConnectionsPerAddress connections open at once from one remote IP address
 * @param handshakeTimeout how long a new connection may take to complete the TLS handshake (with
 *     TLS) or to send its first bytes
 * @param idleTimeout a connection with no call in progress for this long is closed (clients long-poll,
 *     so a live client always has a call in progress or opens one within seconds)
 * @param keepAliveTime how long a connection may be silent before the server pings the client
 * @param keepAliveTimeout how long the server waits for the ping's answer before closing the
 *     connection
 */
public record ConnectionLimits(int maxConnections, int maxConnectionsPerAddress, Duration handshakeTimeout,
    Duration idleTimeout, Duration keepAliveTime, Duration keepAliveTimeout) {

  /** @throws IllegalArgumentException naming the limit and the value if one is out of range */
  public ConnectionLimits {
    if (maxConnections < 1) throw new IllegalArgumentException("maxConnections must be >= 1, got " + maxConnections);
    if (maxConnectionsPerAddress < 1 || maxConnectionsPerAddress > maxConnections) {
      throw new IllegalArgumentException("maxConnectionsPerAddress must be in [1, maxConnections = " + maxConnections + "], got "
          + maxConnectionsPerAddress);
    }
    positive("handshakeTimeout", handshakeTimeout);
    positive("idleTimeout", idleTimeout);
    positive("keepAliveTime", keepAliveTime);
    positive("keepAliveTimeout", keepAliveTimeout);
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException(name + " must be in (0, 1 day], got " + d);
    }
  }

  /**
   * Defaults: 1,000 connections, 32 per address, 10 s to complete a handshake, idle connections
   * closed after 5 minutes, keep-alive pings after 60 s of silence answered within 20 s.
   */
  public static ConnectionLimits defaults() {
    return new ConnectionLimits(1000, 32, Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(60),
        Duration.ofSeconds(20));
  }

  public ConnectionLimits withMaxConnections(int total, int perAddress) {
    return new ConnectionLimits(total, perAddress, handshakeTimeout, idleTimeout, keepAliveTime, keepAliveTimeout);
  }

  public ConnectionLimits withHandshakeTimeout(Duration d) {
    return new ConnectionLimits(maxConnections, maxConnectionsPerAddress, d, idleTimeout, keepAliveTime, keepAliveTimeout);
  }

  public ConnectionLimits withIdleTimeout(Duration d) {
    return new ConnectionLimits(maxConnections, maxConnectionsPerAddress, handshakeTimeout, d, keepAliveTime, keepAliveTimeout);
  }
}
