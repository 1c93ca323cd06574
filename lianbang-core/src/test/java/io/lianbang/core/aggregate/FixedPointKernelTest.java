package io.lianbang.core.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.simd.VectorApi;
import java.math.BigInteger;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Vector API fixed-point kernel leaves the scalar one's bits: the same accumulators and the
 * same count of special terms, adding and subtracting, for every length, over floats of every
 * exponent (the boundaries of the shifted range, zeros, subnormals, infinities and NaN), and the
 * scalar kernel's terms are those of {@link ExactWeightedSum}'s general path. The same for the
 * buffered form, whose buffer and accumulator together hold the plain form's value.
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
  void bufferedVectorAndScalarKernelsAgreeBitForBit() {
    Assumptions.assumeTrue(VectorApi.modulePresent(), "needs --add-modules jdk.incubator.vector (the build adds it)");
    FixedPointKernel scalar = new ScalarFixedPointKernel();
    FixedPointKernel vector = new VectorFixedPointKernel();
    float[] x = values(new SplittableRandom(4), 5000);
    for (int n : new int[] {0, 7, 8, 9, 65, 5000}) {
      for (long w : new long[] {1, 10, 600}) {
        for (int[] window : new int[][] {{0, 8}, {20, 29}, {33, 30}, {55, 8}, {63, 0}}) {
          long[] b1 = seed(n, 3);
          long[] hi1 = seed(n, 1);
          long[] lo1 = seed(n, 2);
          long[] b2 = b1.clone();
          long[] hi2 = hi1.clone();
          long[] lo2 = lo1.clone();
          // a term w · significand < 2^(24 + bit length of w), shifted by the width, stays below 2^63
          int width = Math.min(window[1], 39 - (64 - Long.numberOfLeadingZeros(w)));
          String what = n + " values, weight " + w + ", window " + window[0] + "+" + width;
          for (boolean subtract : new boolean[] {false, true}) {
            int s1 = scalar.add(x, n, w, subtract, b1, window[0], width, hi1, lo1, 0);
            int s2 = vector.add(x, n, w, subtract, b2, window[0], width, hi2, lo2, 0);
            assertEquals(s1, s2, "special terms of " + what);
            assertArrayEquals(b1, b2, "buffers of " + what + ", subtract " + subtract);
            assertArrayEquals(hi1, hi2, "high words of " + what + ", subtract " + subtract);
            assertArrayEquals(lo1, lo2, "low words of " + what + ", subtract " + subtract);
          }
          assertArrayEquals(seed(n, 3), b1, "adding then subtracting restores the buffers");
          assertArrayEquals(seed(n, 1), hi1, "adding then subtracting restores the high words");
        }
      }
    }
  }

  @Test
  void aBufferedTermIsTheAccumulatorsTermInUnitsOfItsBase() {
    float[] x = values(new SplittableRandom(6), 3000);
    int base = 24; // exponents 110 to 130, as most of values() has
    int width = 20;
    for (FixedPointKernel kernel : VectorApi.modulePresent()
        ? List.of(new ScalarFixedPointKernel(), new VectorFixedPointKernel()) : List.of(new ScalarFixedPointKernel())) {
      long[] hi = new long[x.length];
      long[] lo = new long[x.length];
      long[] buffer = new long[x.length];
      long[] hi2 = new long[x.length];
      long[] lo2 = new long[x.length];
      int buffered = 0;
      assertEquals(kernel.add(x, x.length, 10, false, hi, lo, 0),
          kernel.add(x, x.length, 10, false, buffer, base, width, hi2, lo2, 0), "the same special terms");
      for (int i = 0; i < x.length; i++) {
        BigInteger whole = BigInteger.valueOf(hi2[i]).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(lo2[i])))
            .add(BigInteger.valueOf(buffer[i]).shiftLeft(base));
        BigInteger plain = BigInteger.valueOf(hi[i]).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(lo[i])));
        assertEquals(plain, whole, kernel.getClass().getSimpleName() + ": x[" + i + "] = " + x[i]);
        if (buffer[i] != 0) buffered++;
      }
      assertTrue(buffered > x.length / 2, "most model-like terms fall in the window, " + buffered + " did");
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
