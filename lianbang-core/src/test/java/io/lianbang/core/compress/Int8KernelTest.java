package io.lianbang.core.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lianbang.core.simd.VectorApi;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The Vector API 8-bit quantiser writes the scalar one's bytes: same ranges, same codes, any length and offset. */
class Int8KernelTest {
  @Test
  void vectorAndScalarKernelsAgreeBitForBit() {
    Assumptions.assumeTrue(VectorApi.modulePresent(), "needs --add-modules jdk.incubator.vector (the build adds it)");
    Int8Kernel scalar = new ScalarInt8Kernel();
    Int8Kernel vector = new VectorInt8Kernel();
    SplittableRandom r = new SplittableRandom(7);
    float[] v = new float[5000];
    for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-3, 4)));
    v[17] = -0.0f;
    v[18] = Float.MIN_VALUE;
    v[19] = -Float.MAX_VALUE / 4;
    for (int m : new int[] {1, 3, 4, 15, 16, 31, 32, 33, 64, 100, 1024, 4099}) {
      for (int base : new int[] {0, 1, 17, 5000 - m}) {
        assertEquals(scalar.sortableRange(v, base, m), vector.sortableRange(v, base, m), "range of " + m + " at " + base);
        long range = scalar.sortableRange(v, base, m);
        float min = Float.intBitsToFloat(ScalarInt8Kernel.sortable((int) (range >> 32)));
        float max = Float.intBitsToFloat(ScalarInt8Kernel.sortable((int) range));
        float inv = max == min ? 0 : 255 / (max - min);
        byte[] a = new byte[m];
        byte[] b = new byte[m];
        scalar.quantise(v, base, m, min, inv, 0x1234L * m + base, a);
        vector.quantise(v, base, m, min, inv, 0x1234L * m + base, b);
        assertArrayEquals(a, b, "codes of " + m + " at " + base);
      }
    }
  }
}
