package io.lianbang.grpc.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link FederationClient} talks to its server.
 *
 * @param name the name sent at registration (the identity only on servers that accept anonymous
 *     clients; otherwise the certificate or token decides)
 * @param pollWait how long the server may hold a task poll
 * @param rpcTimeout the deadline of every short call (register, heartbeat) and the margin added to
 *     polls; transfers use the task's deadline
 * @param giveUpAfter how long the server may stay unreachable before {@link FederationClient#run}
 *     gives up
 * @param initialBackoff the first wait before retrying an unreachable server; doubled (with
 *     jitter) after every failure up to {@code maxBackoff}
 * @param maxBackoff the longest wait between retries
 */
public record ClientSettings(String name, Duration pollWait, Duration rpcTimeout, Duration giveUpAfter,
    Duration initialBackoff, Duration maxBackoff) {

  /** @throws IllegalArgumentException naming the setting if one is out of range */
  public ClientSettings {
    Objects.requireNonNull(name, "name");
    positive("pollWait", pollWait);
    positive("rpcTimeout", rpcTimeout);
    positive("giveUpAfter", giveUpAfter);
    positive("initialBackoff", initialBackoff);
    positive("maxBackoff", maxBackoff);
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is below initialBackoff " + initialBackoff);
    }
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive, got " + d);
  }

  /** Defaults: 20 s polls, 30 s call deadlines, give up after 5 minutes unreachable, backoff 200 ms to 10 s. */
  public static ClientSettings defaults(String name) {
    return new ClientSettings(name, Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofMinutes(5),
        Duration.ofMillis(200), Duration.ofSeconds(10));
  }

  public ClientSettings withGiveUpAfter(Duration d) {
    return new ClientSettings(name, pollWait, rpcTimeout, d, initialBackoff, maxBackoff);
  }

  public ClientSettings withPollWait(Duration d) {
    return new ClientSettings(name, d, rpcTimeout, giveUpAfter, initialBackoff, maxBackoff);
  }

  public ClientSettings withBackoff(Duration initial, Duration max) {
    return new ClientSettings(name, pollWait, rpcTimeout, giveUpAfter, initial, max);
  }
}
