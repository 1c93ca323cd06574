package io.lianbang.core.aggregate;

import io.lianbang.core.simd.VectorApi;

/**
 * The loop that dominates {@link ExactWeightedSum}'s cost: adding integer-weighted float terms to
 * 128-bit fixed-point accumulators, in a scalar and a Vector API implementation ({@link VectorApi}
 * chooses) that leave the same bits.
 *
 * <p>A term {@code w · x} with an integer weight {@code w} in [1, 2<sup>29</sup>] and a float
 * {@code x} whose biased exponent {@code e} lies in [{@value #MIN_SHIFTED}, {@value #MAX_SHIFTED}]
 * is, in units of 2<sup>-64</sup>, the integer {@code w · significand(x)} shifted left by
 * {@code e − }{@value #MIN_SHIFTED} (below 64), exactly, with no rounding or truncation; a float
 * with exponent field 0 (zero or subnormal, below 2<sup>-126</sup>) adds nothing at this
 * resolution. Every other term (too small to shift, too large, or not finite) is a <em>special</em>
 * term the kernel leaves to the caller.
 */
interface FixedPointKernel {
  /** The smallest biased float exponent whose terms are a plain left shift. */
  int MIN_SHIFTED = 86;
  /** The largest biased float exponent whose terms are a plain left shift. */
  int MAX_SHIFTED = MIN_SHIFTED + 63;

  /** The kernel for this JVM. */
  static FixedPointKernel get() {
    return Holder.KERNEL;
  }

  /** True if {@code x}'s term is neither shifted by {@link #add} nor zero: the caller adds it. */
  static boolean special(float x) {
    int exp = (Float.floatToRawIntBits(x) >>> 23) & 0xff;
    return exp != 0 && (exp < MIN_SHIFTED || exp > MAX_SHIFTED);
  }

  /**
   * Adds ({@code subtract} false) or subtracts the term {@code weight · x[i]} of every
   * {@code i < n} that is not {@link #special} to the accumulator {@code (hi[at + i], lo[at + i])}
   * (high and unsigned low word, units of 2<sup>-64</sup>), modulo 2<sup>128</sup>.
   *
   * @param weight an integer in [1, 2<sup>29</sup>]
   * @return the number of special terms left out
   */
  int add(float[] x, int n, long weight, boolean subtract, long[] hi, long[] lo, int at);

  /**
   * As {@link #add}, but a term whose shift {@code s} lies in [{@code base}, {@code base + width}]
   * is added to the 64-bit buffer {@code buffer[at + i]} instead, as
   * {@code weight · significand(x) << (s − base)}: in units of 2<sup>base − 64</sup>, exactly.
   * The buffer takes 16 bytes of memory traffic per term where the accumulator takes 32. The
   * caller chooses {@code width} so that neither a term nor the buffer's sum reaches 2^63.
   *
   * @param base a shift in [0, 63]
   * @param width at least 0, at most {@code 63 − base}
   * @return the number of special terms left out
   */
  int add(float[] x, int n, long weight, boolean subtract, long[] buffer, int base, int width, long[] hi, long[] lo, int at);

  /** The kernel chosen once per JVM. */
  final class Holder {
    static final FixedPointKernel KERNEL = load();

    private Holder() {}

    private static FixedPointKernel load() {
      if (!VectorApi.selected()) return new ScalarFixedPointKernel();
      try {
        return (FixedPointKernel) Class.forName("io.lianbang.core.aggregate.VectorFixedPointKernel")
            .getDeclaredConstructor().newInstance();
      } catch (ReflectiveOperationException | LinkageError e) {
        throw new IllegalStateException("the vector fixed-point kernel could not be loaded: " + e, e);
      }
    }
  }
}
