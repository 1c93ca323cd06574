package io.lianbang.core.random;

/**
 * SplitMix64 (Steele, Lea &amp; Flood, <i>Fast splittable pseudorandom number generators</i>,
 * OOPSLA 2014), the generator behind {@link java.util.SplittableRandom}, written out here so that
 * every derived value is fixed by this file alone: the same seed gives the same numbers on every
 * JDK, machine and thread count. Floating-point helpers use {@link StrictMath}, whose results are
 * specified to the bit, never {@link Math}, whose intrinsics may differ between CPUs. The project's
 * one implementation: {@link Seeds} mixes with {@link #mix} and data partitioning draws from
 * instances.
 *
 * <p>Not thread-safe; each user makes its own.
 */
public final class SplitMix64 {
  /** The increment added to the state per output: 2<sup>64</sup> divided by the golden ratio, odd. */
  public static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  private long state;
  private double spareGaussian;
  private boolean hasSpare;

  /** A generator whose first output is {@code mix(seed + GOLDEN_GAMMA)}. */
  public SplitMix64(long seed) {
    this.state = seed;
  }

  /**
   * The generator's state: {@code new SplitMix64(state())} continues this generator's sequence of
   * longs (and of everything drawn from them but a pending Gaussian's spare), e.g. after a restart.
   */
  public long state() {
    return state;
  }

  /** The SplitMix64 output function (a variant of the MurmurHash3 64-bit finaliser). */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** The next 64 random bits. */
  public long nextLong() {
    return mix(state += GOLDEN_GAMMA);
  }

  /** Uniform in {@code [0, 1)}, 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in {@code (0, 1]}: safe to take the logarithm of. */
  public double nextDoubleNonZero() {
    return ((nextLong() >>> 11) + 1) * 0x1.0p-53;
  }

  /**
   * Uniform in {@code [0, bound)} without modulo bias (rejection as in {@link java.util.Random#nextInt(int)}).
   *
   * @throws IllegalArgumentException if {@code bound} is not positive
   */
  public int nextInt(int bound) {
    if (bound <= 0) throw new IllegalArgumentException("bound must be positive, got " + bound);
    while (true) {
      int bits = (int) (nextLong() >>> 33);
      int val = bits % bound;
      if (bits - val + (bound - 1) >= 0) return val;
    }
  }

  /** Standard normal, by Marsaglia's polar method. */
  public double nextGaussian() {
    if (hasSpare) {
      hasSpare = false;
      return spareGaussian;
    }
    double u;
    double v;
    double s;
    do {
      u = 2 * nextDouble() - 1;
      v = 2 * nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    double m = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
    spareGaussian = v * m;
    hasSpare = true;
    return u * m;
  }

  /** Fisher-Yates shuffle of {@code a} in place. */
  public void shuffle(int[] a) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
}
