package io.lianbang.core.strategy.registry;

import io.lianbang.core.check.Require;

/** The values a strategy hyper-parameter accepts, with the check and the message naming it. */
public enum ParameterRange {
  /** A finite number above 0. */
  POSITIVE("> 0"),
  /** A finite number of at least 0. */
  NON_NEGATIVE(">= 0"),
  /** A number in [0, 1), such as a momentum or decay rate. */
  UNIT("in [0, 1)"),
  /** A number in [0, 0.5), such as the share trimmed from each end. */
  HALF("in [0, 0.5)"),
  /** A whole number of at least 0 (and at most {@link Integer#MAX_VALUE}). */
  WHOLE("a whole number >= 0"),
  /** A switch given as 0 (off) or 1 (on). */
  FLAG("0 or 1");

  private final String text;

  ParameterRange(String text) {
    this.text = text;
  }

  /** The range as error messages and help show it, e.g. {@code in [0, 1)}. */
  public String text() {
    return text;
  }

  /** Whether {@code v} is in the range. */
  public boolean contains(double v) {
    return switch (this) {
      case POSITIVE -> v > 0 && Double.isFinite(v);
      case NON_NEGATIVE -> v >= 0 && Double.isFinite(v);
      case UNIT -> v >= 0 && v < 1;
      case HALF -> v >= 0 && v < 0.5;
      case WHOLE -> v == Math.rint(v) && v >= 0 && v <= Integer.MAX_VALUE;
      case FLAG -> v == 0 || v == 1;
    };
  }

  /**
   * {@code v} if it is in the range.
   *
   * @param key the configuration key, e.g. {@code strategy.params.tau}
   * @throws IllegalArgumentException naming the key, the range and the value otherwise
   */
  public double check(String key, double v) {
    Require.that(contains(v), key, text, v);
    return v;
  }
}
