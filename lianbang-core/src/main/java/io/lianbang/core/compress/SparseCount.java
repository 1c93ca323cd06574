package io.lianbang.core.compress;

import java.util.Map;
import java.util.TreeMap;

/**
 * How many values of a tensor of n a sparse selector keeps: a count (at most n), or a fraction of n
 * rounded up but at least {@code min_count} (all of a tensor of at most {@code min_count} values),
 * configured by exactly one of the parameters {@code count} and {@code fraction} (default fraction
 * 0.01, {@code min_count} 100). The floor keeps small tensors (biases, an output layer) from being
 * starved: a fraction of 1% would send one of a layer's ten biases a round.
 */
record SparseCount(int count, double fraction, int minCount) {
  /** The default fraction kept when neither parameter is given. */
  static final double DEFAULT_FRACTION = 0.01;
  /** The default least number kept per tensor with a fraction. */
  static final int DEFAULT_MIN_COUNT = 100;

  /** Keeps {@code count} values (all when fewer). */
  static SparseCount ofCount(int count) {
    if (count < 0) throw new IllegalArgumentException("count must be >= 0, got " + count);
    return new SparseCount(count, -1, 0);
  }

  /** Keeps {@code ceil(fraction * n)} values; {@code fraction} in (0, 1]. */
  static SparseCount ofFraction(double fraction) {
    return ofFraction(fraction, 0);
  }

  /** Keeps {@code min(n, max(ceil(fraction * n), minCount))} values; {@code fraction} in (0, 1]. */
  static SparseCount ofFraction(double fraction, int minCount) {
    if (!(fraction > 0 && fraction <= 1)) throw new IllegalArgumentException("fraction must be in (0, 1], got " + fraction);
    if (minCount < 0) throw new IllegalArgumentException("min_count must be >= 0, got " + minCount);
    return new SparseCount(-1, fraction, minCount);
  }

  /** Reads {@code count} or {@code fraction} from {@code p}, refusing both at once. */
  static SparseCount from(CodecParameters p, String codec) {
    boolean hasCount = p.has("count");
    boolean hasFraction = p.has("fraction");
    if (hasCount && hasFraction) {
      throw new IllegalArgumentException("codec " + codec + ": give either count or fraction, not both");
    }
    if (hasCount) {
      if (p.has("min_count")) throw new IllegalArgumentException("codec " + codec + ": min_count applies only with fraction, not count");
      return new SparseCount(p.integer("count", 0, 0, Integer.MAX_VALUE), -1, 0);
    }
    return new SparseCount(-1, p.number("fraction", DEFAULT_FRACTION, 0, 1),
        p.integer("min_count", DEFAULT_MIN_COUNT, 0, Integer.MAX_VALUE));
  }

  /** The number kept of {@code n}. */
  int of(int n) {
    return count >= 0 ? Math.min(count, n) : (int) Math.min(n, Math.max(Math.ceil(fraction * n), minCount));
  }

  /** As parameters. */
  Map<String, Double> parameters() {
    return new TreeMap<>(count >= 0 ? Map.of("count", (double) count) : Map.of("fraction", fraction, "min_count", (double) minCount));
  }
}
