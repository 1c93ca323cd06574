package io.lianbang.sim.spec;

import io.lianbang.core.check.Require;

/**
 * How long simulated clients take to train, in simulated seconds: the straggler model that both
 * asynchronous (FedBuff) and synchronous runs are timed with, so that "simulated time to a target
 * accuracy" compares them. Client {@code c} has a mean {@code m_c} drawn once from the run seed and
 * {@code c}; each of its tasks takes {@code m_c · exp(jitter · z − jitter²/2)} with {@code z}
 * standard normal drawn from the run seed, {@code c} and the task's number (a per-task jitter of
 * mean 1). See {@code io.lianbang.sim.latency.LatencyModel}.
 *
 * @param kind {@code none} (no simulated time), {@code constant}, {@code exponential} or
 *     {@code lognormal}: how {@code m_c} is drawn (see {@link LatencyKind})
 * @param meanSeconds the mean of the client means, in (0, {@link Seconds#MAX}]
 * @param spread the log-standard-deviation of {@code lognormal} client means, in [0, 4]
 * @param jitter the log-standard-deviation of the per-task factor, in [0, 4] (0: every task of a
 *     client takes its mean)
 * @param serverSeconds simulated seconds the server adds to each synchronous round, in [0, {@link
 *     Seconds#MAX}]
 */
public record LatencySpec(LatencyKind kind, double meanSeconds, double spread, double jitter, double serverSeconds) {
  /** The largest {@code spread} and {@code jitter}: e^(4·4) already spans 16 orders of magnitude. */
  public static final double MAX_LOG_SPREAD = 4;

  public LatencySpec {
    Require.oneOf("latency.kind", kind, LatencyKind.class);
    Seconds.check("latency.mean_seconds", meanSeconds);
    logSpread("latency.spread", spread);
    logSpread("latency.jitter", jitter);
    if (!(serverSeconds >= 0 && serverSeconds <= Seconds.MAX)) {
      throw new IllegalArgumentException("latency.server_seconds must be in [0, " + (long) Seconds.MAX + "], got " + serverSeconds);
    }
  }

  private static void logSpread(String field, double v) {
    if (!(v >= 0 && v <= MAX_LOG_SPREAD)) {
      throw new IllegalArgumentException(field + " must be in [0, " + (int) MAX_LOG_SPREAD + "], got " + v);
    }
  }

  /** No latency model (the default). */
  public static LatencySpec none() {
    return new LatencySpec(LatencyKind.NONE, 1, 1, 0, 0);
  }

  /** True if tasks take simulated time. */
  public boolean active() {
    return kind != LatencyKind.NONE;
  }
}
