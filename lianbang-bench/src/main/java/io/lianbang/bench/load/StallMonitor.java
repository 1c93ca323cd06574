package io.lianbang.bench.load;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The longest this JVM failed to run a thread that asked to wake up: a daemon thread sleeps
 * 50 ms at a time and records by how much it woke up late. A long stall (a collection, or the
 * machine's other work taking the cores) delays heartbeats as a network would, so a server may
 * drop clients it merely could not hear; this tells which JVM stalled.
 */
final class StallMonitor {
  private static final long PERIOD_MILLIS = 50;
  private final AtomicLong maxLateNanos = new AtomicLong();

  private StallMonitor() {}

  static StallMonitor start(String name) {
    StallMonitor m = new StallMonitor();
    Thread t = new Thread(() -> {
      while (true) {
        long before = System.nanoTime();
        try {
          Thread.sleep(PERIOD_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
        long late = System.nanoTime() - before - PERIOD_MILLIS * 1_000_000;
        m.maxLateNanos.accumulateAndGet(late, Math::max);
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return m;
  }

  /** The longest stall so far, in milliseconds. */
  long maxMillis() {
    return maxLateNanos.get() / 1_000_000;
  }
}
