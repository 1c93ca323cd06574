package io.lianbang.vertical.grpc;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Warnings about what peers do, at most one line per key (a peer and a reason) per interval; the
 * lines left out are counted in the next one. A hostile or broken peer cannot flood the log.
 */
final class RateLimitedLog {
  private final Logger log;
  private final long intervalNanos;
  private final Map<String, long[]> last = new ConcurrentHashMap<>(); // key -> {time of the last line, lines left out}
  private final AtomicLong keys = new AtomicLong();
  private static final int MAX_KEYS = 4096;

  RateLimitedLog(Logger log, long intervalMillis) {
    this.log = log;
    this.intervalNanos = intervalMillis * 1_000_000;
  }

  /** Logs {@code message} as a warning unless a line with {@code key} was logged within the interval. */
  void warn(String key, String message) {
    long now = System.nanoTime();
    if (!last.containsKey(key) && keys.incrementAndGet() > MAX_KEYS) { // bound the map: start over
      last.clear();
      keys.set(1);
    }
    long[] entry = last.computeIfAbsent(key, k -> new long[] {now - intervalNanos - 1, 0});
    String line = null;
    synchronized (entry) {
      if (now - entry[0] > intervalNanos) {
        line = entry[1] == 0 ? message : message + " (" + entry[1] + " similar lines left out)";
        entry[0] = now;
        entry[1] = 0;
      } else {
        entry[1]++;
      }
    }
    if (line != null) log.warn(line);
  }
}
