package io.lianbang.core.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The worked examples of docs/protocol.md, "Compression", byte for byte: what a codec in another
 * language must produce and read.
 */
class DocumentedExamplesTest {
  private static String hex(byte[] b) {
    return HexFormat.ofDelimiter(" ").formatHex(b);
  }

  @Test
  void int8OfFourValuesIsTwelveBytesForEverySeed() {
    Codec int8 = Codecs.create("int8", Map.of());
    float[] v = {-1.0f, 0.0f, 0.5f, 126.5f};
    for (long seed : new long[] {0, 1, -7, 0x5DEECE66DL}) {
      byte[] bytes = CodecTesting.encode(int8, v, seed);
      assertEquals("00 00 80 bf 00 00 00 3f 00 02 03 ff", hex(bytes), "seed " + seed);
      assertArrayEquals(v, CodecTesting.decode(int8, bytes, 4));
    }
    assertEquals(1008, int8.encodedBytes(1000));
    assertEquals(3024, int8.encodedBytes(3000));
  }

  @Test
  void int4PacksTheFirstCodeInTheLowNibble() {
    // min 0, max 15: scale exactly 1, the codes are the values; 5 codes: the last byte's high nibble is 0
    byte[] bytes = CodecTesting.encode(Codecs.create("int4", Map.of()), new float[] {0, 1, 2, 3, 15}, 3);
    assertEquals("00 00 00 00 00 00 80 3f 10 32 0f", hex(bytes));
  }

  @Test
  void topKOfEightValuesTiesToTheLowerPositionsAndPicksTheSmallerPositionCoding() {
    float[] v = {0.5f, -2.0f, 0.0f, 1.0f, 2.0f, -0.25f, 2.0f, 0.0f};
    Codec two = Codecs.create("topk+float32", Map.of("count", 2.0));
    assertEquals("topk", two.name());
    byte[] bytes = CodecTesting.encode(two, v, 11);
    assertEquals("21 00 00 00 c0 00 00 00 40", hex(bytes));
    assertArrayEquals(new float[] {0, -2.0f, 0, 0, 2.0f, 0, 0, 0}, CodecTesting.decode(two, bytes, 8));

    Codec four = Codecs.create("topk", Map.of("count", 4.0));
    bytes = CodecTesting.encode(four, v, 11);
    assertEquals("5a 00 00 00 c0 00 00 80 3f 00 00 00 40 00 00 00 40", hex(bytes));
    assertArrayEquals(new float[] {0, -2.0f, 0, 1.0f, 2.0f, 0, 2.0f, 0}, CodecTesting.decode(four, bytes, 8));
  }

  @Test
  void aFractionIsMultipliedInBinary64AndRoundedUp() {
    // 0.07 * 100 = 7.000000000000001: 8 values, positions in ceil(8 * 7 / 8) = 7 bytes, then 8 float32
    assertEquals(7 + 8 * 4, Codecs.create("topk", Map.of("fraction", 0.07, "min_count", 0.0)).encodedBytes(100));
    // the default min_count of 100: a tensor of at most 100 values is sent whole (bitmap of 13 bytes)
    assertEquals(13 + 100 * 4, Codecs.create("topk", Map.of()).encodedBytes(100));
  }
}
