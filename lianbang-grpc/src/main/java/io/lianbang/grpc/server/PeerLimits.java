package io.lianbang.grpc.server;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bounds on what a client may send, checked when a message arrives: a result beyond them is
 * refused with {@code INVALID_ARGUMENT} naming the field and the (abbreviated) value, and its task
 * closes as the client's invalid result. Metric names must also consist of
 * {@link #METRIC_NAME_CHARACTERS}, so that they are safe in logs, checkpoints and CSV headers.
 *
 * @param maxMetrics most metrics in one fit or evaluate result, in [0, 10000]
 * @param maxMetricNameLength longest metric name in characters, in [1, 1024]
 * @param maxErrorLength longest {@code TaskError.message} in characters, in [1, 65536]
 * @param maxConcurrentUploads fit results received at once, from all clients, in [1, 1024]; further
 *     uploads wait unread (flow control holds their chunks back), so the server assembles at most
 *     this many models at a time
 * @param maxDownloadsPerSession parameter downloads one session may have open at once, in [1, 64];
 *     a further one is refused with {@code RESOURCE_EXHAUSTED}
 */
public record PeerLimits(int maxMetrics, int maxMetricNameLength, int maxErrorLength, int maxConcurrentUploads,
    int maxDownloadsPerSession) {
  /** The characters a metric name may hold, as a regular-expression class. */
  public static final String METRIC_NAME_CHARACTERS = "[A-Za-z0-9_.:/-]";
  /** Session and task ids longer than this are refused: the server issues none so long. */
  public static final int MAX_ID_LENGTH = 128;
  private static final Pattern NOT_IN_NAME = Pattern.compile("[^A-Za-z0-9_.:/-]");

  /** @throws IllegalArgumentException naming the limit and value if one is out of range */
  public PeerLimits {
    range("maxMetrics", maxMetrics, 0, 10_000);
    range("maxMetricNameLength", maxMetricNameLength, 1, 1024);
    range("maxErrorLength", maxErrorLength, 1, 65_536);
    range("maxConcurrentUploads", maxConcurrentUploads, 1, 1024);
    range("maxDownloadsPerSession", maxDownloadsPerSession, 1, 64);
  }

  /**
   * Defaults: 64 metrics per result, metric names of up to 128 characters, error messages of up to
   * 1024, 2 uploads received at once, 2 downloads per session.
   */
  public static PeerLimits defaults() {
    return new PeerLimits(64, 128, 1024, 2, 2);
  }

  public PeerLimits withMaxConcurrentUploads(int n) {
    return new PeerLimits(maxMetrics, maxMetricNameLength, maxErrorLength, n, maxDownloadsPerSession);
  }

  public PeerLimits withMaxDownloadsPerSession(int n) {
    return new PeerLimits(maxMetrics, maxMetricNameLength, maxErrorLength, maxConcurrentUploads, n);
  }

  private static void range(String name, int v, int min, int max) {
    if (v < min || v > max) throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + v);
  }

  /**
   * Checks a result's metrics: their number and every name (values are checked where they are
   * converted).
   *
   * @throws IllegalArgumentException naming the field and the abbreviated value; a
   *     {@link LimitExceededException} if a count or length is beyond its limit
   */
  void checkMetrics(Map<String, Double> metrics) {
    if (metrics.size() > maxMetrics) {
      throw new LimitExceededException("metrics has " + metrics.size() + " entries, more than the limit of " + maxMetrics);
    }
    for (String name : metrics.keySet()) {
      if (name.isEmpty()) throw new IllegalArgumentException("a metric name is empty");
      if (name.length() > maxMetricNameLength) {
        throw new LimitExceededException("metric name '" + FederationService.abbreviate(name) + "' is " + name.length()
            + " characters, more than the limit of " + maxMetricNameLength);
      }
      Matcher bad = NOT_IN_NAME.matcher(name);
      if (bad.find()) {
        throw new IllegalArgumentException("metric name '" + FederationService.abbreviate(name) + "' has character "
            + String.format("U+%04X", name.codePointAt(bad.start())) + " at index " + bad.start() + ", outside "
            + METRIC_NAME_CHARACTERS);
      }
    }
  }

  /**
   * Checks the message of a client's {@code TaskError}.
   *
   * @throws LimitExceededException naming the field and its length if it is too long
   */
  void checkError(String message) {
    if (message.length() > maxErrorLength) {
      throw new LimitExceededException("TaskError.message is " + message.length() + " characters, more than the limit of "
          + maxErrorLength);
    }
  }
}
