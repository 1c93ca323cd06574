package io.lianbang.core.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Bf16Test {
  @Test
  void handComputedValues() {
    assertEquals(0x3f80, Bf16.floatToBf16(1f));
    assertEquals(0x3f80, Bf16.floatToBf16(1 + 0x1p-8f)); // tie: even
    assertEquals(0x3f82, Bf16.floatToBf16(1 + 3 * 0x1p-8f)); // tie: even
    assertEquals(0x3f81, Bf16.floatToBf16(Math.nextUp(1 + 0x1p-8f)));
    assertEquals(0xc049, Bf16.floatToBf16(-3.14159f) & 0xffff); // -3.140625
    assertEquals(0x7f80, Bf16.floatToBf16(Float.MAX_VALUE)); // beyond the largest bfloat16 + half an ulp
    assertEquals(0x7f7f, Bf16.floatToBf16(Float.intBitsToFloat(0x7f7f7fff)));
    assertTrue(Float.isNaN(new Bf16().toFloat(Bf16.floatToBf16(Float.NaN))));
    assertTrue(Float.isNaN(new Bf16().toFloat(Bf16.floatToBf16(Float.intBitsToFloat(0x7f800001)))));
  }

  @Test
  void nearestOfTheTwoNeighboursTiesToEvenWithinRelativeBound() {
    Codec c = new Bf16();
    SplittableRandom r = new SplittableRandom(3);
    float[] v = new float[50_000];
    for (int i = 0; i < v.length; i++) v[i] = (float) Math.scalb(r.nextDouble() - 0.5, r.nextInt(-100, 100));
    float[] d = CodecTesting.roundTrip(c, v, 0);
    for (int i = 0; i < v.length; i++) {
      int t = Float.floatToRawIntBits(v[i]) & 0xffff0000; // truncation toward zero
      double lo = Float.intBitsToFloat(t);
      double hi = Float.intBitsToFloat(t + 0x10000);
      double dl = Math.abs(v[i] - lo);
      double dh = Math.abs(hi - v[i]);
      double expected = dl < dh ? lo : dh < dl ? hi : ((t >>> 16) & 1) == 0 ? lo : hi;
      assertEquals(expected, d[i], 0.0, "v = " + v[i]);
      assertTrue(Math.abs((double) d[i] - v[i]) <= 0x1p-8 * Math.abs(v[i]), "v = " + v[i]);
    }
  }
}
