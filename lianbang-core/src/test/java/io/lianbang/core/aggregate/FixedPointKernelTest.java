package io.lianbang.core.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lianbang.core.simd.VectorApi;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Vector API fixed-point kernel leaves the scalar one's bits: the same accumulators and the
 * same count of special terms, adding and subtracting, for every length, over floats of every
 * exponent (the boundaries of the shifted range, zeros, subnormals, infinities and NaN), and the
 * scalar kernel's terms are those of {@link ExactWeightedSum}'s general path.
 */
class FixedPointKernelTest {
  @Test
  void vectorAndScalarKernelsAgreeBitForBit() {
    Assumptions.assumeTrue(VectorApi.modulePresent(), "needs --add-modules jdk.incubator.vector (the build adds it)");
    FixedPointKernel scalar = new ScalarFixedPointKernel();
    FixedPointKernel vector = new VectorFixedPointKernel();
    float[] x = values(new SplittableRandom(3), 5000);
    for (int n : new int[] {0, 1, 7, 8, 9, 63, 64, 65, 4096, 5000}) {
      for (long w : new long[] {1, 10, 12345, 1L << 29}) {
        long[] hi1 = seed(n, 1);
        long[] lo1 = seed(n, 2);
        long[] hi2 = hi1.clone();
        long[] lo2 = lo1.clone();
        for (boolean subtract : new boolean[] {false, true}) {
          int s1 = scalar.add(x, n, w, subtract, hi1, lo1, 0);
          int s2 = vector.add(x, n, w, subtract, hi2, lo2, 0);
          assertEquals(s1, s2, "special terms of " + n + " values, weight " + w);
          assertArrayEquals(hi1, hi2, "high words of " + n + " values, weight " + w + ", subtract " + subtract);
          assertArrayEquals(lo1, lo2, "low words of " + n + " values, weight " + w + ", subtract " + subtract);
        }
        assertArrayEquals(seed(n, 1), hi1, "adding then subtracting restores the high words");
        assertArrayEquals(seed(n, 2), lo1, "adding then subtracting restores the low words");
      }
    }
  }

  @Test
  void countsExactlyTheTermsOutsideTheShiftedRange() {
    float[] x = values(new SplittableRandom(5), 3000);
    int special = 0;
    for (float v : x) if (FixedPointKernel.special(v)) special++;
    long[] hi = new long[x.length];
    long[] lo = new long[x.length];
    assertEquals(special, new ScalarFixedPointKernel().add(x, x.length, 3, false, hi, lo, 0));
    for (int i = 0; i < x.length; i++) {
      if (FixedPointKernel.special(x[i])) assertEquals(0, hi[i] | lo[i], "a special term is left to the caller: x[" + i + "] = " + x[i]);
    }
  }

  /** Floats of every biased exponent, both signs, and the special values. */
  private static float[] values(SplittableRandom rng, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      int exp = switch (i % 10) {
        case 0 -> FixedPointKernel.MIN_SHIFTED - 1 + rng.nextInt(3); // 85, 86 or 87
        case 1 -> FixedPointKernel.MAX_SHIFTED - 1 + rng.nextInt(3); // 148, 149 or 150
        case 2 -> rng.nextInt(0, 256); // anything, zero/subnormal and infinity/NaN included
        default -> rng.nextInt(110, 130); // model-like magnitudes
      };
      int bits = (rng.nextBoolean() ? 0x80000000 : 0) | exp << 23 | rng.nextInt(1 << 23);
      x[i] = Float.intBitsToFloat(bits);
    }
    return x;
  }

  private static long[] seed(int n, long salt) {
    SplittableRandom r = new SplittableRandom(salt);
    long[] a = new long[n];
    for (int i = 0; i < n; i++) a[i] = r.nextLong();
    return a;
  }
}
