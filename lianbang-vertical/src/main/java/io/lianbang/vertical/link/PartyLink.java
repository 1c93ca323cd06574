package io.lianbang.vertical.link;

import java.time.Duration;

/**
 * One party's connection to the other parties of a vertical run: tagged messages, delivered in
 * order per (sender, tag), each waited for with a deadline.
 *
 * <p>Protocols address peers by party name ({@code guest}, {@code host-1}, {@code arbiter}) and
 * give every message a tag naming what it carries and when, e.g. {@code lr.residual/3}: the part
 * before the first {@code /} is the message's kind (counted per kind by {@link #stats()}), the rest
 * distinguishes iterations. A tag is sent at most once per peer in a run, so a message can never
 * be taken for another.
 *
 * <p>Implementations: {@link InMemoryLinks} for tests and single-process runs, and a gRPC link
 * for parties in separate processes. Both bound what a peer may send ({@link LinkLimits}).
 */
public interface PartyLink extends AutoCloseable {
  /** This party's name. */
  String self();

  /**
   * Sends {@code payload} to party {@code to} under {@code tag}.
   *
   * @throws LinkException if the peer is unknown or gone, or the payload exceeds the limits
   */
  void send(String to, String tag, byte[] payload);

  /**
   * The message party {@code from} sent under {@code tag}, waiting at most {@code timeout}.
   *
   * @throws LinkException on timeout, if the peer is gone, or if the link was closed
   */
  byte[] receive(String from, String tag, Duration timeout);

  /** Bytes and messages sent and received so far, per peer and kind. */
  LinkStats stats();

  /** Releases the link; later calls fail with {@link LinkException}. */
  @Override
  void close();
}
