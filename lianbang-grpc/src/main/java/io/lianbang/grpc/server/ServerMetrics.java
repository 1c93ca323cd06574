package io.lianbang.grpc.server;

import io.lianbang.grpc.RefusalReason;
import java.time.Duration;

/**
 * What a {@link FederationServer} reports as it serves, for an operator's metrics (the command
 * line feeds them to Micrometer); every method defaults to doing nothing, so a library user needs
 * no metrics library. Called on gRPC's and the server's threads, concurrently: implementations
 * must be thread-safe and quick. The levels (connected clients, uploads and downloads in flight)
 * are read from the server instead ({@link FederationServer#connectedClients()} and its siblings).
 */
public interface ServerMetrics {
  /** Reports nothing. */
  ServerMetrics NONE = new ServerMetrics() {};

  /** A call ended with a refusal for {@code reason}, whichever part of the server refused it. */
  default void refused(RefusalReason reason) {}

  /**
   * {@code bytes} of a task call were received, as the run's traffic counts them
   * ({@link TransportTraffic}: gRPC wire sizes of the calls that carry a task's data).
   */
  default void received(long bytes) {}

  /** {@code bytes} of a task call were sent, counted as {@link #received}'s. */
  default void sent(long bytes) {}

  /**
   * A result upload was complete and its task took it, {@code elapsed} after its header named the
   * task (the time to receive, check and fold in the result).
   */
  default void uploaded(Duration elapsed) {}
}
