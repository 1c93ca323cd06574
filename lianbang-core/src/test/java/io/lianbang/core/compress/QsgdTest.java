package io.lianbang.core.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class QsgdTest {
  private static double norm(float[] v, int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) s += (double) v[i] * v[i];
    return Math.sqrt(s);
  }

  @Test
  void handComputedCodes() {
    // v = (3, -4): norm 5; with s = 5 levels x = (3, 4) exactly: codes 5 + 3 = 8 and 5 - 4 = 1
    Qsgd q = new Qsgd(5, 2);
    assertEquals(4, q.codeBits());
    byte[] b = CodecTesting.encode(q, new float[] {3, -4}, 1);
    assertEquals(4 + 1, b.length);
    assertEquals((byte) 0x18, b[4]);
    assertArrayEquals(new float[] {3, -4}, CodecTesting.decode(q, b, 2));
    assertEquals(2, new Qsgd(1, 8).codeBits());
    assertEquals(8, new Qsgd(8, 8).codeBits());
  }

  @Test
  void everyValueWithinNormOverLevels() {
    for (int s : new int[] {1, 3, 7, 15, 127}) {
      for (int block : new int[] {5, 512}) {
        Qsgd q = new Qsgd(s, block);
        float[] v = CodecTesting.gaussian(1234, s);
        float[] d = CodecTesting.roundTrip(q, v, 11);
        for (int start = 0; start < v.length; start += block) {
          int end = Math.min(v.length, start + block);
          double bound = norm(v, start, end) / s * (1 + 1e-6);
          for (int i = start; i < end; i++) {
            assertTrue(Math.abs((double) d[i] - v[i]) <= bound, q + ": v[" + i + "]");
            assertTrue(d[i] == 0 || Math.signum(d[i]) == Math.signum(v[i]), q + ": sign of v[" + i + "]");
          }
        }
      }
    }
  }

  @Test
  void unbiasedAndVarianceWithinTheLemma() {
    // d = 16 values, s = 2: Lemma 3.1 bounds E||Q(v) - v||^2 by min(d/s^2, sqrt(d)/s) ||v||^2 = 2 ||v||^2.
    // Per coordinate the error of one draw has variance at most (||v|| / s)^2 / 4, so the mean of
    // N = 20000 draws has standard error at most ||v|| / (2 s sqrt(N)); we allow 5 of those.
    int d = 16;
    int s = 2;
    Qsgd q = new Qsgd(s, d);
    float[] v = CodecTesting.gaussian(d, 4);
    double norm = norm(v, 0, d);
    int draws = 20_000;
    double[] sum = new double[d];
    double sq = 0;
    float[] out = new float[d];
    ByteBuffer buf = ByteBuffer.allocate((int) q.encodedBytes(d));
    for (int t = 0; t < draws; t++) {
      buf.clear();
      q.encode(v, 0, d, buf, t);
      buf.flip();
      q.decode(buf, out, 0, d);
      for (int i = 0; i < d; i++) {
        double e = (double) out[i] - v[i];
        sum[i] += e;
        sq += e * e;
      }
    }
    double tolerance = 5 * norm / (2 * s * Math.sqrt(draws));
    for (int i = 0; i < d; i++) assertTrue(Math.abs(sum[i] / draws) < tolerance, "coordinate " + i + " mean error " + sum[i] / draws);
    double variance = sq / draws;
    assertTrue(variance <= Math.min((double) d / (s * s), Math.sqrt(d) / s) * norm * norm, "variance " + variance);
    assertTrue(variance > 0);
  }

  @Test
  void edgeCases() {
    Qsgd q = new Qsgd(7, 4);
    assertEquals(0, CodecTesting.encode(q, new float[0], 1).length);
    assertArrayEquals(new float[5], CodecTesting.roundTrip(q, new float[5], 1));
    float[] huge = {3e38f, -1e38f};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> q.encode(new float[] {3e38f, 3e38f}, 0, 2, ByteBuffer.allocate(100), 0));
    assertTrue(e.getMessage().startsWith("codec qsgd: the L2 norm of values[0, 2) is 4.24"), e.getMessage());
    float[] d = CodecTesting.roundTrip(q, huge, 3);
    for (float x : d) assertTrue(Float.isFinite(x));
    e = assertThrows(IllegalArgumentException.class,
        () -> q.encode(new float[] {0, Float.POSITIVE_INFINITY}, 0, 2, ByteBuffer.allocate(100), 0));
    assertEquals("codec qsgd encodes finite values only, got values[1] = Infinity", e.getMessage());
  }
}
