package io.lianbang.core.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class BlockQuantizerTest {
  /** Each value within its block's scale (plus two ulps of the block's largest magnitude) of the input. */
  private static void assertWithinScale(BlockQuantizer q, float[] v, float[] d) {
    int levels = q.name().equals("int8") ? 255 : 15;
    for (int start = 0; start < v.length; start += q.block()) {
      int end = Math.min(v.length, start + q.block());
      double min = Double.MAX_VALUE;
      double max = -Double.MAX_VALUE;
      for (int i = start; i < end; i++) {
        min = Math.min(min, v[i]);
        max = Math.max(max, v[i]);
      }
      double scale = (max - min) / levels * (1 + 0x1p-20);
      double slack = 2 * Math.ulp((float) Math.max(Math.abs(min), Math.abs(max)));
      for (int i = start; i < end; i++) {
        assertTrue(Math.abs((double) d[i] - v[i]) <= scale + slack, q + ": v[" + i + "] = " + v[i] + " decoded " + d[i]);
      }
    }
  }

  @Test
  void handComputedLayout() {
    // min 0, max 255: scale exactly 1, every value an integer step: coded exactly, no randomness used
    float[] v = {0, 255, 3, 7, 100};
    Codec c = new BlockQuantizer(8, 4);
    byte[] bytes = CodecTesting.encode(c, v, 9);
    assertEquals(8 + 4 + 8 + 1, bytes.length);
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(0f, b.getFloat(0));
    assertEquals(1f, b.getFloat(4));
    assertEquals(0, bytes[8]);
    assertEquals((byte) 255, bytes[9]);
    assertEquals(3, bytes[10]);
    assertEquals(7, bytes[11]);
    assertEquals(100f, b.getFloat(12)); // a block of one value: min = value, scale 0, code 0
    assertEquals(0f, b.getFloat(16));
    assertEquals(0, bytes[20]);
    assertArrayEquals(v, CodecTesting.decode(c, bytes, v.length));

    // 4-bit: min -1, max 14: scale 1; codes 0, 15, 1, 2 in nibbles, low first
    float[] w = {-1, 14, 0, 1, 5};
    Codec c4 = new BlockQuantizer(4, 5);
    byte[] b4 = CodecTesting.encode(c4, w, 1);
    assertEquals(8 + 3, b4.length);
    assertEquals((byte) 0xf0, b4[8]);
    assertEquals((byte) 0x21, b4[9]);
    assertEquals((byte) 0x06, b4[10]);
    assertArrayEquals(w, CodecTesting.decode(c4, b4, w.length));
  }

  @Test
  void roundTripWithinScaleForRaggedBlocks() {
    for (int bits : new int[] {8, 4}) {
      for (int block : new int[] {1, 7, 64, 256}) {
        BlockQuantizer q = new BlockQuantizer(bits, block);
        float[] v = CodecTesting.gaussian(1000, block);
        assertWithinScale(q, v, CodecTesting.roundTrip(q, v, 5));
      }
    }
  }

  @Test
  void edgeCases() {
    for (int bits : new int[] {8, 4}) {
      BlockQuantizer q = new BlockQuantizer(bits, 16);
      assertEquals(0, CodecTesting.encode(q, new float[0], 1).length);
      float[] same = new float[37];
      java.util.Arrays.fill(same, -2.5f);
      assertArrayEquals(same, CodecTesting.roundTrip(q, same, 1)); // scale 0: exact
      float[] huge = {-3e38f, 3e38f, Float.MAX_VALUE, -Float.MAX_VALUE, 0, 1e38f};
      float[] d = CodecTesting.roundTrip(q, huge, 2);
      for (float x : d) assertTrue(Float.isFinite(x));
      assertWithinScale(q, huge, d);
      float[] bad = new float[40];
      bad[35] = Float.NaN; // in the third block: the first two are written before it is seen
      ByteBuffer out = ByteBuffer.allocate(100);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> q.encode(bad, 0, 40, out, 0));
      assertEquals("codec int" + bits + " encodes finite values only, got values[35] = NaN", e.getMessage());
      assertEquals(0, out.position(), "a refused encoding leaves the position");
      float[] inf = {Float.NEGATIVE_INFINITY};
      assertThrows(IllegalArgumentException.class, () -> q.encode(inf, 0, 1, ByteBuffer.allocate(100), 0));
    }
  }

  @Test
  void stochasticRoundingIsUnbiased() {
    // v sits 0.3 of a step above a code: one draw's error is (1 - 0.3) s with probability 0.3 and
    // -0.3 s otherwise, mean 0 and standard deviation s sqrt(0.3 * 0.7) ~ 0.458 s. Over N = 20000
    // draws the mean error has standard error 0.458 s / sqrt(N); we allow 5 of those.
    for (int bits : new int[] {8, 4}) {
      int levels = (1 << bits) - 1;
      BlockQuantizer q = new BlockQuantizer(bits, 3);
      float[] v = {0, levels, 10.3f};
      int draws = 20_000;
      double sum = 0;
      int ups = 0;
      float[] d = new float[3];
      ByteBuffer buf = ByteBuffer.allocate((int) q.encodedBytes(3));
      for (int s = 0; s < draws; s++) {
        buf.clear();
        q.encode(v, 0, 3, buf, s);
        buf.flip();
        q.decode(buf, d, 0, 3);
        sum += (double) d[2] - v[2];
        if (d[2] > v[2]) ups++;
      }
      double mean = sum / draws;
      double tolerance = 5 * Math.sqrt(0.3 * 0.7) / Math.sqrt(draws);
      assertTrue(Math.abs(mean) < tolerance, "int" + bits + ": mean error " + mean + " vs tolerance " + tolerance);
      assertTrue(ups > 0 && ups < draws, "int" + bits + " rounds both ways, up " + ups);
    }
  }
}
