package io.lianbang.core.compress;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Decoders refuse bytes no encoder writes, naming what is wrong: a peer's update is checked before it is used. */
class HostileBytesTest {
  private static String refusal(Codec codec, byte[] bytes, int n) {
    return assertThrows(IllegalArgumentException.class, () -> CodecTesting.decode(codec, bytes, n)).getMessage();
  }

  @Test
  void blockQuantizerRefusesANonFiniteMinimumOrANegativeScale() {
    Codec int8 = Codecs.create("int8", Map.of("block", 4.0));
    byte[] good = CodecTesting.encode(int8, new float[] {1, 2, 3, 4}, 1);
    byte[] nan = good.clone();
    ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, Float.NaN);
    assertTrue(refusal(int8, nan, 4).contains("minimum NaN"), refusal(int8, nan, 4));
    byte[] negative = good.clone();
    ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN).putFloat(4, -1f);
    assertTrue(refusal(int8, negative, 4).contains("scale -1.0"), refusal(int8, negative, 4));
  }

  @Test
  void qsgdRefusesANegativeNormAndCodesAboveTwiceTheLevels() {
    Codec qsgd = Codecs.create("qsgd", Map.of("levels", 3.0, "block", 4.0));
    byte[] good = CodecTesting.encode(qsgd, new float[] {1, -2, 3, 4}, 1);
    byte[] negative = good.clone();
    ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, -5f);
    assertTrue(refusal(qsgd, negative, 4).contains("norm -5.0"), refusal(qsgd, negative, 4));
    byte[] high = good.clone();
    high[4] = (byte) 0xff; // 3-bit codes: 7 > 2s = 6
    assertTrue(refusal(qsgd, high, 4).contains("above 2s = 6"), refusal(qsgd, high, 4));
  }

  @Test
  void sparseCodecRefusesABitmapWithMoreOrFewerPositionsThanK() {
    Codec topk = Codecs.create("topk", Map.of("count", 4.0));
    byte[] good = CodecTesting.encode(topk, new float[] {0, 5, 0, 6, 7, 0, 8, 0}, 1); // 4 of 8: a bitmap of one byte
    byte[] more = good.clone();
    more[0] |= 1;
    assertTrue(refusal(topk, more, 8).contains("5 bits set"), refusal(topk, more, 8));
    Codec ten = Codecs.create("topk", Map.of("count", 5.0));
    byte[] padded = CodecTesting.encode(ten, new float[] {0, 5, 0, 6, 7, 0, 8, 0, 9, 0}, 1);
    padded[1] |= (byte) 0x80; // a bit past position 10
    assertTrue(refusal(ten, padded, 10).contains("past position 10"), refusal(ten, padded, 10));
  }

  @Test
  void aBlockOfSubnormalRangeIsQuantisedWithinItsStep() {
    Codec int8 = Codecs.create("int8", Map.of());
    float[] v = {0, 1e-39f, 2e-39f, 1.5e-39f};
    float[] d = CodecTesting.roundTrip(int8, v, 3);
    float scale = ByteBuffer.wrap(CodecTesting.encode(int8, v, 3)).order(ByteOrder.LITTLE_ENDIAN).getFloat(4);
    for (int i = 0; i < v.length; i++) {
      assertTrue(Math.abs(d[i] - v[i]) <= scale + Math.ulp(2e-39f) * 2, i + ": " + v[i] + " decoded as " + d[i] + ", scale " + scale);
    }
  }
}
