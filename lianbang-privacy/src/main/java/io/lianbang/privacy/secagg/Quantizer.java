package io.lianbang.privacy.secagg;

import java.util.SplittableRandom;

/**
 * Maps real values to integers modulo 2^b for masking, and sums back to reals.
 *
 * <p>A value v is clipped to [lo, hi] and mapped to t = (v − lo)/(hi − lo)·(L − 1) ∈ [0, L − 1],
 * then rounded stochastically: up with probability t − ⌊t⌋, so the rounding is unbiased
 * (E[q] = t). With at most {@code maxTerms} contributions the levels are L − 1 =
 * ⌊(2^b − 1)/maxTerms⌋, so their sum never wraps around the modulus and decodes exactly.
 *
 * <p>Error bound: each rounding moves a value by less than one step Δ = (hi − lo)/(L − 1), so a
 * decoded sum of m values differs from the sum of the clipped values by less than m·Δ.
 */
final class Quantizer {
  private final double lo;
  private final double hi;
  private final long levelsMinusOne;

  /**
   * @throws IllegalArgumentException if the range is empty, maxTerms is not positive, or the
   *     modulus leaves fewer than two levels
   */
  public Quantizer(double lo, double hi, int modulusBits, int maxTerms) {
    if (!(hi > lo)) throw new IllegalArgumentException("quantisation range must be non-empty, got [" + lo + ", " + hi + "]");
    if (maxTerms < 1) throw new IllegalArgumentException("maxTerms must be >= 1, got " + maxTerms);
    this.lo = lo;
    this.hi = hi;
    this.levelsMinusOne = ((1L << modulusBits) - 1) / maxTerms;
    if (levelsMinusOne < 1) throw new IllegalArgumentException("modulus 2^" + modulusBits + " is too small for " + maxTerms + " terms");
  }

  /** The step Δ between adjacent levels. */
  public double step() {
    return (hi - lo) / levelsMinusOne;
  }

  /** Quantises {@code v} with stochastic rounding drawn from {@code rng}. */
  public long encode(double v, SplittableRandom rng) {
    double c = Math.min(hi, Math.max(lo, v));
    double t = (c - lo) / (hi - lo) * levelsMinusOne;
    long f = (long) Math.floor(t);
    if (f >= levelsMinusOne) return levelsMinusOne;
    return rng.nextDouble() < t - f ? f + 1 : f;
  }

  /** The real sum of {@code terms} values whose quantised sum is {@code sum}. */
  public double decodeSum(long sum, int terms) {
    return sum * step() + terms * lo;
  }
}
