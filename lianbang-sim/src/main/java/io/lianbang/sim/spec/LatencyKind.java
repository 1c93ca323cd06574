package io.lianbang.sim.spec;

import java.util.Locale;

/**
 * The straggler model of a simulation ({@code latency.kind}): how each client's mean training time
 * is drawn; written in the configuration as the lowercase word ({@link #toString}).
 */
public enum LatencyKind {
  /** No latency model: synchronous runs record no simulated time; asynchronous runs need a model. */
  NONE,
  /** Every client's mean is {@code latency.mean_seconds}. */
  CONSTANT,
  /** Client means are {@code mean_seconds} times an Exp(1) draw: a long tail of slow devices. */
  EXPONENTIAL,
  /** Client means are {@code mean_seconds} times a lognormal draw of mean 1 and log-spread {@code latency.spread}. */
  LOGNORMAL;

  /** The configuration word, e.g. {@code lognormal}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
