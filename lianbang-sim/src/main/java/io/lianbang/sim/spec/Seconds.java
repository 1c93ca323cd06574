package io.lianbang.sim.spec;

import java.time.Duration;

/**
 * Duration settings given in seconds ({@code round_timeout_seconds}, {@code heartbeat_seconds},
 * ...): positive, finite and at most {@link #MAX}, so that no deadline computed from them
 * overflows.
 */
public final class Seconds {
  /** The longest duration a setting takes: 7 days. */
  public static final double MAX = 7 * 24 * 3600;

  private Seconds() {}

  /**
   * {@code seconds} as a duration, to the millisecond.
   *
   * @throws IllegalArgumentException naming {@code field} and the value if it is not in (0, {@link #MAX}]
   */
  public static Duration of(String field, double seconds) {
    check(field, seconds);
    return Duration.ofMillis(Math.max(1, Math.round(seconds * 1000)));
  }

  /**
   * Checks a duration setting.
   *
   * @throws IllegalArgumentException naming {@code field} and the value if it is not in (0, {@link #MAX}]
   */
  public static void check(String field, double seconds) {
    if (!(seconds > 0 && seconds <= MAX)) {
      throw new IllegalArgumentException(field + " must be in (0, " + (long) MAX + "] seconds (7 days), got " + seconds);
    }
  }
}
