package io.lianbang.python;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.compress.Codec;
import io.lianbang.core.compress.Codecs;
import io.lianbang.core.compress.UpdateEncoder;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Python codecs ({@code lianbang.codecs}) against Java's: Java's bytes decode in Python to
 * Java's values bit for bit, Python's bytes decode in Java within the codec's bound (and are
 * Java's bytes, since both draw the same SplitMix64 numbers from the seed), and Python's decoders
 * refuse the hostile bytes Java's refuse.
 */
class CodecInteropTest {
  @RegisterExtension static final PythonPeer peer = new PythonPeer();

  private record Config(String name, Map<String, Double> parameters) {
    Codec codec() {
      return Codecs.create(name, parameters);
    }

    String wire() {
      if (parameters.isEmpty()) return name + " -";
      StringJoiner j = new StringJoiner(",");
      new TreeMap<>(parameters).forEach((k, v) -> j.add(k + "=" + v));
      return name + " " + j;
    }
  }

  private static final List<Config> CONFIGS = List.of(
      new Config("float32", Map.of()), new Config("fp16", Map.of()), new Config("bf16", Map.of()),
      new Config("int8", Map.of()), new Config("int8", Map.of("block", 7.0)), new Config("int4", Map.of("block", 33.0)),
      new Config("qsgd", Map.of()), new Config("qsgd", Map.of("levels", 1.0, "block", 10.0)), new Config("qsgd", Map.of("levels", 5.0)),
      new Config("topk", Map.of("count", 40.0)), new Config("topk", Map.of("count", 900.0)), new Config("topk+int8", Map.of("fraction", 0.05, "min_count", 0.0)),
      new Config("randomk", Map.of("count", 30.0)), new Config("randomk+fp16", Map.of("count", 700.0, "scaled", 0.0)),
      new Config("topk+qsgd", Map.of("count", 100.0, "levels", 3.0)), new Config("randomk+int4", Map.of()));

  /** n values: Gaussian, with zeros, signed zeros, ties and a wide range. */
  private static float[] values(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      double u1 = 1 - r.nextDouble();
      double u2 = r.nextDouble();
      v[i] = (float) (Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2));
    }
    float[] special = {0f, -0f, 3.5f, 3.5f, 1e-30f, -1234.5f, 6.1e-5f}; // 6.1e-5: fp16's subnormal range
    System.arraycopy(special, 0, v, 0, Math.min(n, special.length));
    return v;
  }

  private static byte[] javaEncode(Codec c, float[] v, long seed) {
    byte[] out = new byte[Math.toIntExact(c.encodedBytes(v.length))];
    c.encode(v, 0, v.length, ByteBuffer.wrap(out), seed);
    return out;
  }

  private static float[] javaDecode(Codec c, byte[] bytes, int n) {
    float[] out = new float[n];
    c.decode(ByteBuffer.wrap(bytes), out, 0, n);
    return out;
  }

  private static byte[] floats(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b.array();
  }

  private static float[] floats(byte[] b) {
    float[] v = new float[b.length / 4];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }

  private static float[] pythonDecode(Config c, byte[] bytes, int n) throws Exception {
    return floats(peer.call("decode " + c.wire() + " " + n, bytes).body());
  }

  private static void assertSameBits(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
          what + ": value " + i + " is " + actual[i] + ", Java's " + expected[i]);
    }
  }

  @Test
  void javaEncodingsDecodeInPythonToJavasValuesBitForBit() throws Exception {
    for (Config c : CONFIGS) {
      for (int n : new int[] {0, 1, 9, 1000, 2053}) {
        float[] v = values(n, n + 1);
        Codec codec = c.codec();
        byte[] bytes = javaEncode(codec, v, 1234L * n - 5);
        assertSameBits(javaDecode(codec, bytes, n), pythonDecode(c, bytes, n), c.wire() + ", n = " + n);
      }
    }
  }

  @Test
  void sixteenBitAndFloat32DecodersAgreeOnEveryBitPattern() throws Exception {
    byte[] all = new byte[2 << 16];
    for (int h = 0; h < 1 << 16; h++) {
      all[2 * h] = (byte) h;
      all[2 * h + 1] = (byte) (h >>> 8);
    }
    for (String name : List.of("fp16", "bf16", "float32")) {
      Config c = new Config(name, Map.of());
      int n = name.equals("float32") ? 1 << 15 : 1 << 16;
      assertSameBits(javaDecode(c.codec(), all, n), pythonDecode(c, all, n), name);
    }
  }

  @Test
  void pythonEncodingsAreJavasBytesAndDecodeInJavaWithinTheBound() throws Exception {
    for (Config c : CONFIGS) {
      for (int n : new int[] {1, 9, 1000, 2053}) {
        float[] v = values(n, 7 * n);
        long seed = -77L * n;
        Codec codec = c.codec();
        byte[] python = peer.call("encode " + c.wire() + " " + seed, floats(v)).body();
        assertEquals(codec.encodedBytes(n), python.length, c.wire() + ", n = " + n);
        float[] decoded = javaDecode(codec, python, n);
        assertWithinBound(c, v, decoded, python);
        assertArrayEquals(javaEncode(codec, v, seed), python, c.wire() + ", n = " + n + ": Python's bytes differ from Java's");
      }
    }
    float[] special = {Float.NaN, Float.POSITIVE_INFINITY, -0f, 65520f, 65519.99f, 2.9802322e-8f, 3e-8f, Float.intBitsToFloat(0x7f812345)};
    for (String name : List.of("float32", "fp16", "bf16")) {
      Codec codec = Codecs.create(name, Map.of());
      assertArrayEquals(javaEncode(codec, special, 0), peer.call("encode " + name + " - 0", floats(special)).body(), name);
    }
  }

  /** The codec's stated error bound (docs/protocol.md, "Compression"; the codecs' javadoc). */
  private static void assertWithinBound(Config c, float[] v, float[] d, byte[] bytes) {
    String name = c.name();
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < v.length; i++) {
      double err = Math.abs((double) d[i] - v[i]);
      double bound;
      if (name.equals("float32")) bound = 0;
      else if (name.equals("fp16")) bound = Math.max(Math.abs(v[i]) * 0x1p-11, 0x1p-25);
      else if (name.equals("bf16")) bound = Math.max(Math.abs(v[i]) * 0x1p-8, 0x1p-134);
      else if (name.startsWith("int")) {
        int block = c.parameters().getOrDefault("block", 1024.0).intValue();
        int bits = name.equals("int8") ? 8 : 4;
        int start = i / block * block;
        int offset = (i / block) * (8 + (block * bits + 7) / 8);
        float scale = b.getFloat(offset + 4);
        float max = 0;
        for (int j = start; j < Math.min(v.length, start + block); j++) max = Math.max(max, Math.abs(v[j]));
        bound = scale + 2 * Math.ulp(max);
      } else if (name.equals("qsgd")) {
        int block = c.parameters().getOrDefault("block", 512.0).intValue();
        int levels = c.parameters().getOrDefault("levels", 127.0).intValue();
        int width = levels == 1 ? 2 : levels <= 7 ? 4 : 8;
        float norm = b.getFloat((i / block) * (4 + (block * width + 7) / 8));
        bound = (double) norm / levels * (1 + 1e-6);
      } else {
        if (d[i] == 0) continue;
        if (name.contains("+")) continue; // the dense codec's bound, checked for the dense codecs
        // topk sends a kept value exactly; randomk (float32) sends it times f32(n / k)
        double factor = name.equals("randomk") && c.parameters().getOrDefault("scaled", 1.0) == 1 ? (float) ((double) v.length
            / Math.min(v.length, c.parameters().get("count").intValue())) : 1;
        err = Math.abs((double) d[i] - (float) (v[i] * factor));
        bound = 0;
      }
      assertTrue(err <= bound, c.wire() + ": value " + i + " = " + v[i] + " decoded as " + d[i] + ", beyond the bound " + bound);
    }
  }

  @Test
  void anUpdateEncoderWithErrorFeedbackWritesJavasBytesTaskAfterTask() throws Exception {
    int[] sizes = {300, 7};
    long[] seeds = {5, -6, 7};
    for (Config c : List.of(new Config("topk", Map.of("count", 20.0)), new Config("int4", Map.of("block", 64.0)),
        new Config("randomk+qsgd", Map.of("count", 50.0, "levels", 7.0)))) {
      UpdateEncoder java = new UpdateEncoder(c.codec(), true);
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      ByteArrayOutputStream trainedAll = new ByteArrayOutputStream();
      for (long seed : seeds) {
        Tensor[] start = new Tensor[sizes.length];
        Tensor[] trained = new Tensor[sizes.length];
        for (int t = 0; t < sizes.length; t++) {
          float[] v = values(sizes[t], seed * 31 + t);
          start[t] = Tensor.of(new int[] {sizes[t]}, new float[sizes[t]]);
          trained[t] = Tensor.of(new int[] {sizes[t]}, v);
          trainedAll.write(floats(v));
        }
        for (byte[] b : java.encode(Parameters.of(start), Parameters.of(trained), seed).tensors()) expected.write(b);
      }
      byte[] python = peer.call("uplink " + c.wire() + " 300,7 5,-6,7", trainedAll.toByteArray()).body();
      assertArrayEquals(expected.toByteArray(), python, c.wire() + ": Python's uplink differs from Java's");
    }
  }

  @Test
  void errorFeedbackCarriesTheLowPartOfTheResidualAsJavaDoes() throws Exception {
    // int8: tiny values beside large ones leave residuals whose float32 rounding hi loses them; the
    // second update is -hi, so the next input is exactly the low part lo, which Python must send too
    Config c = new Config("int8", Map.of("block", 8.0));
    int n = 64;
    UpdateEncoder java = new UpdateEncoder(c.codec(), true);
    Tensor[] zeros = {Tensor.of(new int[] {n}, new float[n])};
    float[] first = new float[n];
    for (int i = 0; i < n; i++) first[i] = i % 2 == 1 ? 1e-30f * i : i % 4 == 0 ? 1 + i / 64f : -1 - i / 64f;
    float[] third = values(n, 8);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    ByteArrayOutputStream trainedAll = new ByteArrayOutputStream();
    expected.write(java.encode(Parameters.of(zeros), Parameters.of(Tensor.of(new int[] {n}, first)), 3).tensors().get(0));
    float[] second = java.residual(0, n);
    float[] low = java.residualLow(0, n);
    assertTrue(IntStream.range(0, n).anyMatch(i -> low[i] != 0), "the residuals have a low part");
    for (int i = 0; i < n; i++) second[i] = -second[i];
    expected.write(java.encode(Parameters.of(zeros), Parameters.of(Tensor.of(new int[] {n}, second)), 4).tensors().get(0));
    expected.write(java.encode(Parameters.of(zeros), Parameters.of(Tensor.of(new int[] {n}, third)), 5).tensors().get(0));
    for (float[] v : List.of(first, second, third)) trainedAll.write(floats(v));
    byte[] python = peer.call("uplink " + c.wire() + " " + n + " 3,4,5", trainedAll.toByteArray()).body();
    assertArrayEquals(expected.toByteArray(), python, "Python's uplink differs from Java's");
  }

  private static void assertBothRefuse(Config c, byte[] bytes, int n, String fragment) throws Exception {
    Codec codec = c.codec();
    String java = assertThrows(IllegalArgumentException.class, () -> javaDecode(codec, bytes, n)).getMessage();
    assertTrue(java.contains(fragment), "Java: " + java);
    PythonPeer.PeerError python = assertThrows(PythonPeer.PeerError.class, () -> pythonDecode(c, bytes, n));
    assertEquals("ValueError", python.kind, python.getMessage());
    assertTrue(python.getMessage().contains(fragment), "Python: " + python.getMessage());
  }

  @Test
  void pythonRefusesTheHostileBytesJavaRefuses() throws Exception {
    Config int8 = new Config("int8", Map.of("block", 4.0));
    byte[] good = javaEncode(int8.codec(), new float[] {1, 2, 3, 4}, 1);
    byte[] nan = good.clone();
    ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, Float.NaN);
    assertBothRefuse(int8, nan, 4, "minimum NaN");
    byte[] negative = good.clone();
    ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN).putFloat(4, -1f);
    assertBothRefuse(int8, negative, 4, "scale -1.0");
    byte[] infinite = good.clone();
    ByteBuffer.wrap(infinite).order(ByteOrder.LITTLE_ENDIAN).putFloat(4, Float.POSITIVE_INFINITY);
    assertBothRefuse(int8, infinite, 4, "scale Infinity");
    assertBothRefuse(int8, java.util.Arrays.copyOf(good, good.length - 1), 4, "needs 12 bytes");

    Config qsgd = new Config("qsgd", Map.of("levels", 3.0, "block", 4.0));
    byte[] q = javaEncode(qsgd.codec(), new float[] {1, -2, 3, 4}, 1);
    byte[] negativeNorm = q.clone();
    ByteBuffer.wrap(negativeNorm).order(ByteOrder.LITTLE_ENDIAN).putFloat(0, -5f);
    assertBothRefuse(qsgd, negativeNorm, 4, "norm -5.0");
    byte[] high = q.clone();
    high[4] = (byte) 0xff;
    assertBothRefuse(qsgd, high, 4, "above 2s = 6");

    Config topk = new Config("topk", Map.of("count", 4.0));
    byte[] bitmap = javaEncode(topk.codec(), new float[] {0, 5, 0, 6, 7, 0, 8, 0}, 1);
    byte[] more = bitmap.clone();
    more[0] |= 1;
    assertBothRefuse(topk, more, 8, "5 bits set");
    byte[] fewer = bitmap.clone();
    fewer[0] &= (byte) ~2;
    assertBothRefuse(topk, fewer, 8, "3 bits set");
    Config five = new Config("topk", Map.of("count", 5.0));
    byte[] padded = javaEncode(five.codec(), new float[] {0, 5, 0, 6, 7, 0, 8, 0, 9, 0}, 1);
    padded[1] |= (byte) 0x80;
    assertBothRefuse(five, padded, 10, "past position 10");

    Config two = new Config("topk", Map.of("count", 2.0)); // fixed-width positions: 7 bits each for n = 100
    float[] hundred = new float[100];
    hundred[10] = 1;
    hundred[20] = 2;
    byte[] fixed = javaEncode(two.codec(), hundred, 1);
    byte[] beyond = fixed.clone();
    beyond[0] = (byte) 100; // position 0 is 100, not below n
    assertBothRefuse(two, beyond, 100, "position 0 is 100");
    byte[] descending = fixed.clone();
    descending[0] = (byte) ((descending[0] & 0x80) | 30); // position 0 is 30, position 1 is 20
    assertBothRefuse(two, descending, 100, "position 1 is 20");
  }
}
