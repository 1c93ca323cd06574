package io.lianbang.core.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Fp16Test {
  /** The value of binary16 bits from the standard's formula, independently of the code under test. */
  private static double formula(int h) {
    int e = (h >>> 10) & 0x1f;
    int m = h & 0x3ff;
    double v = e == 0 ? Math.scalb((double) m, -24) : Math.scalb(1 + m / 1024.0, e - 15);
    return (h & 0x8000) != 0 ? -v : v;
  }

  /** The nearest binary16 to {@code x} (finite, >= 0), ties to even, by search over all of them. */
  private static int nearest(double x, double[] positives) {
    if (x >= 65520) return 0x7c00;
    int i = Arrays.binarySearch(positives, x);
    if (i >= 0) return i;
    int hi = -i - 1;
    int lo = hi - 1;
    double dl = x - positives[lo];
    double dh = positives[hi] - x;
    if (dl < dh) return lo;
    if (dh < dl) return hi;
    return (lo & 1) == 0 ? lo : hi;
  }

  @Test
  void handComputedValues() {
    assertEquals(0x3c00, Fp16.floatToHalf(1f));
    assertEquals(0xc000, Fp16.floatToHalf(-2f) & 0xffff);
    assertEquals(0x7bff, Fp16.floatToHalf(65504f));
    assertEquals(0x7c00, Fp16.floatToHalf(65520f)); // the midpoint to 65536 ties to even: infinity
    assertEquals(0x7bff, Fp16.floatToHalf(65519.99f));
    assertEquals(0x0001, Fp16.floatToHalf(0x1p-24f));
    assertEquals(0x0000, Fp16.floatToHalf(0x1p-25f)); // tie between 0 and 2^-24: even is 0
    assertEquals(0x0001, Fp16.floatToHalf(Math.nextUp(0x1p-25f)));
    assertEquals(0x3555, Fp16.floatToHalf(1f / 3));
    assertEquals(0x2e66, Fp16.floatToHalf(0.1f));
    assertEquals(0x3c00, Fp16.floatToHalf(1 + 0x1p-11f)); // tie: even mantissa 0
    assertEquals(0x3c02, Fp16.floatToHalf(1 + 3 * 0x1p-11f)); // tie: even mantissa 2
    assertEquals(0x0400, Fp16.floatToHalf(0x1p-14f)); // smallest normal
    assertEquals(0x8000, Fp16.floatToHalf(-0f) & 0xffff);
    assertEquals(0xfc00, Fp16.floatToHalf(Float.NEGATIVE_INFINITY) & 0xffff);
    assertTrue(Float.isNaN(Fp16.halfToFloat(Fp16.floatToHalf(Float.NaN))));
    assertEquals(Float.POSITIVE_INFINITY, Fp16.halfToFloat((short) 0x7c00));
  }

  @Test
  void decodesEveryHalfAsTheFormulaAndEncodesItBack() {
    for (int h = 0; h < 1 << 16; h++) {
      if ((h & 0x7c00) == 0x7c00) continue; // infinities and NaN: checked above
      float f = Fp16.halfToFloat((short) h);
      assertEquals(formula(h), f, 0.0, "half " + Integer.toHexString(h));
      assertEquals(h, Fp16.floatToHalf(f) & 0xffff, "half " + Integer.toHexString(h));
    }
  }

  @Test
  void roundsToNearestEvenAsAnExhaustiveSearch() {
    double[] positives = new double[0x7c00];
    for (int h = 0; h < positives.length; h++) positives[h] = formula(h);
    SplittableRandom r = new SplittableRandom(7);
    for (int t = 0; t < 200_000; t++) {
      // floats spread over the whole binary16 range and beyond, both signs
      float x = (float) Math.scalb(r.nextDouble(), r.nextInt(-30, 18));
      int expected = nearest(x, positives);
      assertEquals(expected, Fp16.floatToHalf(x), "x = " + x);
      assertEquals(expected | 0x8000, Fp16.floatToHalf(-x) & 0xffff, "x = " + -x);
    }
  }

  @Test
  void relativeErrorWithinHalfAnUlp() {
    Codec c = new Fp16();
    float[] v = CodecTesting.gaussian(10_000, 1);
    for (int i = 0; i < v.length; i++) v[i] *= (float) Math.scalb(1.0, (i % 24) - 12);
    float[] d = CodecTesting.roundTrip(c, v, 0);
    for (int i = 0; i < v.length; i++) {
      double bound = Math.abs(v[i]) >= 0x1p-14 ? 0x1p-11 * Math.abs(v[i]) : 0x1p-25;
      assertTrue(Math.abs((double) d[i] - v[i]) <= bound, "v = " + v[i] + " decoded " + d[i]);
    }
  }
}
