package io.lianbang.grpc.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The retry policy of a {@link FederationClient}: exponential backoff with jitter, from
 * {@link ClientSettings#initialBackoff()} doubling up to {@link ClientSettings#maxBackoff()}, and
 * giving up once the server has been unreachable for {@link ClientSettings#giveUpAfter()}. Not
 * thread-safe: one per run loop.
 */
final class Backoff {
  private final ClientSettings settings;
  private long unreachableSince = -1;
  private long backoff;

  Backoff(ClientSettings settings) {
    this.settings = settings;
    this.backoff = settings.initialBackoff().toMillis();
  }

  /** The server answered: the next failure starts a new outage with the initial backoff. */
  void reachable() {
    unreachableSince = -1;
    backoff = settings.initialBackoff().toMillis();
  }

  /**
   * The wait before retrying after {@code failure}, with jitter (between half and all of the
   * current backoff); doubles the backoff for the next failure.
   *
   * @throws FederationClientException if the server has been unreachable for
   *     {@link ClientSettings#giveUpAfter()} or longer
   */
  long next(StatusRuntimeException failure) {
    Status status = failure.getStatus();
    long now = System.nanoTime();
    if (unreachableSince < 0) unreachableSince = now;
    long downMillis = (now - unreachableSince) / 1_000_000;
    if (downMillis >= settings.giveUpAfter().toMillis()) {
      throw new FederationClientException("the server stayed unreachable for " + downMillis + " ms: " + status.getCode()
          + (status.getDescription() == null ? "" : ": " + status.getDescription()), failure);
    }
    long sleep = Math.min(backoff, settings.maxBackoff().toMillis());
    sleep = sleep / 2 + ThreadLocalRandom.current().nextLong(sleep / 2 + 1);
    backoff = Math.min(backoff * 2, settings.maxBackoff().toMillis());
    return sleep;
  }
}
