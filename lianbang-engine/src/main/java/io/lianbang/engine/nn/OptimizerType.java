package io.lianbang.engine.nn;

import java.util.Locale;

/**
 * The local optimizer a client trains with; written in configurations and task configurations as
 * the lowercase word ({@link #toString}).
 */
public enum OptimizerType {
  /** Stochastic gradient descent with momentum ({@link OptimizerConfig#sgd}). */
  SGD,
  /** Adam ({@link OptimizerConfig#adam}). */
  ADAM;

  /** The configuration word, e.g. {@code sgd}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
