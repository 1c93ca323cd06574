package io.lianbang.core.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SparseCodecTest {
  @Test
  void topKKeepsLargestMagnitudesTiesToLowerIndex() {
    float[] v = {1, -5, 2, 5, -2, 0.5f, 5, 3};
    int[] idx = new int[4];
    TopK.ofCount(4).select(v, 0, v.length, 0, idx);
    assertArrayEquals(new int[] {1, 3, 6, 7}, idx);
    idx = new int[2];
    TopK.ofCount(2).select(v, 0, v.length, 0, idx); // three tie at 5: the two lowest indices
    assertArrayEquals(new int[] {1, 3}, idx);
    idx = new int[5];
    TopK.ofCount(5).select(v, 0, v.length, 0, idx); // 2 and -2 tie for the fifth: index 2
    assertArrayEquals(new int[] {1, 2, 3, 6, 7}, idx);
    assertEquals(3, TopK.ofFraction(0.25).count(9)); // ceil(2.25)
    assertEquals(9, TopK.ofCount(100).count(9));
    // by configuration, a fraction keeps at least min_count values (default 100) of each tensor
    Codec topk = Codecs.create("topk", Map.of("fraction", 0.01));
    assertEquals(10 * 4 + 2, topk.encodedBytes(10), "a 10-value tensor whole: a 2-byte bitmap and 10 floats");
    assertEquals(IndexCoding.bytes(2000, 100) + 4 * 100, topk.encodedBytes(2000), "100 of 2000, not 20");
    assertEquals(IndexCoding.bytes(156_800, 1568) + 4 * 1568, topk.encodedBytes(156_800), "1% of a large tensor");
    assertEquals(IndexCoding.bytes(10, 1) + 4, Codecs.create("topk", Map.of("fraction", 0.01, "min_count", 0.0)).encodedBytes(10));
  }

  @Test
  void topKAgreesWithSortingOnRandomData() {
    float[] v = CodecTesting.gaussian(5000, 2);
    for (int i = 0; i < v.length; i += 7) v[i] = v[(i * 31) % v.length]; // some ties
    for (int k : new int[] {0, 1, 17, 500, 4999, 5000}) {
      int[] idx = new int[k];
      TopK.ofCount(k).select(v, 0, v.length, 0, idx);
      Integer[] order = new Integer[v.length];
      for (int i = 0; i < order.length; i++) order[i] = i;
      java.util.Arrays.sort(order, (a, b) -> {
        int c = Float.compare(Math.abs(v[b]), Math.abs(v[a]));
        return c != 0 ? c : Integer.compare(a, b);
      });
      int[] expected = new int[k];
      for (int j = 0; j < k; j++) expected[j] = order[j];
      java.util.Arrays.sort(expected);
      assertArrayEquals(expected, idx, "k = " + k);
    }
  }

  @Test
  void topKRoundTripExactOnKeptZeroElsewhere() {
    float[] v = CodecTesting.gaussian(1000, 5);
    Codec c = Codecs.create("topk", Map.of("count", 30.0));
    float[] d = CodecTesting.roundTrip(c, v, 0);
    int[] idx = new int[30];
    TopK.ofCount(30).select(v, 0, v.length, 0, idx);
    float[] expected = new float[v.length];
    for (int i : idx) expected[i] = v[i];
    assertArrayEquals(expected, d);
  }

  @Test
  void indexCodingPicksTheSmaller() {
    // n = 1000: bitmap 125 bytes; positions 10 bits each
    assertEquals(10, IndexCoding.width(1000));
    assertEquals(13, IndexCoding.bytes(1000, 10)); // ceil(100 / 8)
    assertTrue(!IndexCoding.bitmap(1000, 10));
    assertEquals(125, IndexCoding.bytes(1000, 200)); // 250 bytes of positions vs 125 of bitmap
    assertTrue(IndexCoding.bitmap(1000, 200));
    assertEquals(0, IndexCoding.width(1));
    for (int k : new int[] {0, 1, 10, 99, 100, 101, 700, 1000}) {
      Codec c = new SparseCodec(TopK.ofCount(k), new Float32());
      float[] v = CodecTesting.gaussian(1000, k);
      assertEquals(IndexCoding.bytes(1000, k) + 4L * k, c.encodedBytes(1000));
      float[] d = CodecTesting.roundTrip(c, v, 0);
      int kept = 0;
      for (int i = 0; i < v.length; i++) {
        if (d[i] != 0) {
          assertEquals(v[i], d[i]);
          kept++;
        }
      }
      assertEquals(k, kept);
    }
  }

  @Test
  void randomKIsUniformAndScaledUnbiased() {
    // n = 10, k = 3 scaled by 10/3: E[decoded_i] = v_i. Each draw of coordinate i is 10/3 v_i with
    // probability 0.3, else 0: standard deviation v_i * 10/3 * sqrt(0.21) ~ 1.53 v_i; over 20000
    // draws the mean has standard error 1.53 v_i / sqrt(20000); we allow 5 of those.
    float[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    Codec c = Codecs.create("randomk", Map.of("count", 3.0));
    int draws = 20_000;
    double[] sum = new double[v.length];
    int[] chosen = new int[v.length];
    for (int t = 0; t < draws; t++) {
      float[] d = CodecTesting.roundTrip(c, v, t);
      int kept = 0;
      for (int i = 0; i < v.length; i++) {
        sum[i] += d[i];
        if (d[i] != 0) {
          chosen[i]++;
          kept++;
          assertEquals(v[i] * (float) (10.0 / 3), d[i]);
        }
      }
      assertEquals(3, kept);
    }
    for (int i = 0; i < v.length; i++) {
      double se = v[i] * (10.0 / 3) * Math.sqrt(0.21) / Math.sqrt(draws);
      assertTrue(Math.abs(sum[i] / draws - v[i]) < 5 * se, "coordinate " + i + " mean " + sum[i] / draws);
      // each index is chosen with probability 0.3: binomial standard deviation sqrt(N 0.3 0.7)
      assertTrue(Math.abs(chosen[i] - 0.3 * draws) < 5 * Math.sqrt(draws * 0.21), "index " + i + " chosen " + chosen[i]);
    }
  }

  @Test
  void compositionsRoundTripWithinTheirValueCodecsBound() {
    float[] v = CodecTesting.gaussian(4096, 8);
    Codec c = Codecs.create("topk+fp16", Map.of("fraction", 0.05));
    assertEquals("topk+fp16", c.name());
    int k = 205; // ceil(0.05 * 4096)
    assertEquals(IndexCoding.bytes(4096, k) + 2L * k, c.encodedBytes(4096));
    float[] d = CodecTesting.roundTrip(c, v, 1);
    int[] idx = new int[k];
    TopK.ofCount(k).select(v, 0, v.length, 0, idx);
    float[] expected = new float[v.length];
    for (int i : idx) expected[i] = Fp16.halfToFloat(Fp16.floatToHalf(v[i]));
    assertArrayEquals(expected, d);

    Codec c8 = Codecs.create("topk+int8", Map.of("count", 300.0, "block", 64.0));
    assertEquals(Map.of("count", 300.0, "block", 64.0), c8.parameters());
    float[] d8 = CodecTesting.roundTrip(c8, v, 2);
    int[] idx8 = new int[300];
    TopK.ofCount(300).select(v, 0, v.length, 0, idx8);
    int nonZero = 0;
    for (int i = 0; i < v.length; i++) if (d8[i] != 0) nonZero++;
    assertTrue(nonZero <= 300);
    double lo = Double.MAX_VALUE;
    double hi = -Double.MAX_VALUE;
    for (int i : idx8) {
      lo = Math.min(lo, v[i]);
      hi = Math.max(hi, v[i]);
    }
    double scale = (hi - lo) / 255 * (1 + 1e-6); // no 64-value block has a wider range than all kept
    for (int i : idx8) assertTrue(Math.abs(d8[i] - v[i]) <= scale, "v[" + i + "]");
  }

  @Test
  void refusesNonFiniteAndCorruptPositions() {
    Codec c = Codecs.create("topk", Map.of("count", 2.0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.encode(new float[] {1, Float.NaN, 3}, 0, 3, ByteBuffer.allocate(100), 0));
    assertEquals("codec topk encodes finite values only, got values[1] = NaN", e.getMessage());
    // n = 5, k = 2, positions in 3 bits: 4 then 2 is not ascending
    byte[] bytes = new byte[(int) c.encodedBytes(5)];
    bytes[0] = (byte) (4 | 2 << 3);
    e = assertThrows(IllegalArgumentException.class, () -> c.decode(ByteBuffer.wrap(bytes), new float[5], 0, 5));
    assertEquals("codec topk: position 1 is 2, expected ascending positions in (4, 5)", e.getMessage());
    bytes[0] = (byte) (1 | 7 << 3);
    e = assertThrows(IllegalArgumentException.class, () -> c.decode(ByteBuffer.wrap(bytes), new float[5], 0, 5));
    assertEquals("codec topk: position 1 is 7, expected ascending positions in (1, 5)", e.getMessage());
  }
}
