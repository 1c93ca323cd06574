package io.lianbang.sim.spec;

import io.lianbang.core.text.Abbreviation;

/** Validation helpers whose messages name the configuration field (its YAML path) and the value. */
final class Check {
  private Check() {}

  static void positive(String field, double value) {
    if (!(value > 0) || !Double.isFinite(value)) throw new IllegalArgumentException(field + " must be > 0, got " + value);
  }

  static void nonNegative(String field, double value) {
    if (!(value >= 0) || !Double.isFinite(value)) throw new IllegalArgumentException(field + " must be >= 0, got " + value);
  }

  static void atLeast(String field, long value, long min) {
    if (value < min) throw new IllegalArgumentException(field + " must be >= " + min + ", got " + value);
  }

  static void unitInterval(String field, double value, boolean includeZero) {
    boolean ok = (includeZero ? value >= 0 : value > 0) && value <= 1;
    if (!ok) throw new IllegalArgumentException(field + " must be in " + (includeZero ? "[0, 1]" : "(0, 1]") + ", got " + value);
  }

  static String oneOf(String field, String value, String... allowed) {
    for (String a : allowed) {
      if (a.equals(value)) return value;
    }
    throw new IllegalArgumentException(field + " must be one of " + String.join(", ", allowed) + ", got " + Abbreviation.abbreviate(value));
  }
}
