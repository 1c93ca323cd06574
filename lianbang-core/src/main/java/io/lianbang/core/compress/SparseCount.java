package io.lianbang.core.compress;

import java.util.Map;

/**
 * How many values a sparse selector keeps: a count (at most n) or a fraction of n rounded up,
 * configured by exactly one of the parameters {@code count} and {@code fraction} (default fraction
 * 0.01).
 */
record SparseCount(int count, double fraction) {
  /** The default fraction kept when neither parameter is given. */
  static final double DEFAULT_FRACTION = 0.01;

  /** Keeps {@code count} values (all when fewer). */
  static SparseCount ofCount(int count) {
    if (count < 0) throw new IllegalArgumentException("count must be >= 0, got " + count);
    return new SparseCount(count, -1);
  }

  /** Keeps {@code ceil(fraction * n)} values; {@code fraction} in (0, 1]. */
  static SparseCount ofFraction(double fraction) {
    if (!(fraction > 0 && fraction <= 1)) throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
    return new SparseCount(-1, fraction);
  }

  /** Reads {@code count} or {@code fraction} from {@code p}, refusing both at once. */
  static SparseCount from(CodecParameters p, String codec) {
    boolean hasCount = p.has("count");
    boolean hasFraction = p.has("fraction");
    if (hasCount && hasFraction) {
      throw new IllegalArgumentException("codec " + codec + ": give either count or fraction, not both");
    }
    if (hasCount) return new SparseCount(p.integer("count", 0, 0, Integer.MAX_VALUE), -1);
    return new SparseCount(-1, p.number("fraction", DEFAULT_FRACTION, 0, 1));
  }

  /** The number kept of {@code n}. */
  int of(int n) {
    return count >= 0 ? Math.min(count, n) : (int) Math.min(n, Math.ceil(fraction * n));
  }

  /** As parameters. */
  Map<String, Double> parameters() {
    return count >= 0 ? Map.of("count", (double) count) : Map.of("fraction", fraction);
  }
}
