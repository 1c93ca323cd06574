package io.lianbang.core.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.text.Abbreviation;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CodecsTest {
  /** One of every kind, with small blocks so that blocks are ragged. */
  static List<Codec> all() {
    return List.of(
        Codecs.create("float32", Map.of()),
        Codecs.create("fp16", Map.of()),
        Codecs.create("bf16", Map.of()),
        Codecs.create("int8", Map.of("block", 100.0)),
        Codecs.create("int4", Map.of("block", 33.0)),
        Codecs.create("qsgd", Map.of("levels", 7.0, "block", 50.0)),
        Codecs.create("topk", Map.of("fraction", 0.1)),
        Codecs.create("randomk", Map.of("count", 77.0)),
        Codecs.create("randomk+int8", Map.of("count", 77.0, "scaled", 0.0, "block", 16.0)),
        Codecs.create("topk+qsgd", Map.of("fraction", 0.2, "levels", 1.0)));
  }

  @Test
  void namesAndParametersRebuildTheSameCodec() {
    for (Codec c : all()) {
      Codec again = Codecs.create(c.name(), c.parameters());
      assertEquals(c.name(), again.name());
      assertEquals(c.parameters(), again.parameters());
    }
    assertEquals(Map.of("block", 1024.0), Codecs.create("int8", Map.of()).parameters());
    assertEquals(Map.of("levels", 127.0, "block", 512.0), Codecs.create("qsgd", Map.of()).parameters());
    assertEquals(Map.of("fraction", 0.01, "min_count", 100.0, "scaled", 1.0), Codecs.create("randomk", Map.of()).parameters());
  }

  @Test
  void refusalsNameTheCodecParameterAndValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Codecs.create("int7", Map.of()));
    assertEquals("unknown codec 'int7' (valid: float32, fp16, bf16, int8, int4, qsgd, topk, randomk, topk|randomk+<dense>)",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Codecs.create("topk+topk", Map.of()));
    assertEquals("unknown codec 'topk+topk' (valid: float32, fp16, bf16, int8, int4, qsgd, topk, randomk, topk|randomk+<dense>)",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Codecs.create("int8", Map.of("block", 0.0)));
    assertEquals("codec int8: parameter block must be an integer in [1, 1048576], got 0.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Codecs.create("int8", Map.of("block", 2.5)));
    assertEquals("codec int8: parameter block must be an integer in [1, 1048576], got 2.5", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Codecs.create("int8", Map.of("blok", 64.0)));
    assertEquals("codec int8: unknown parameter 'blok' (valid: block)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Codecs.create("fp16", Map.of("block", 64.0)));
    assertEquals("codec fp16: unknown parameter 'block' (valid: none)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Codecs.create("qsgd", Map.of("levels", 128.0)));
    assertEquals("codec qsgd: parameter levels must be an integer in [1, 127], got 128.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Codecs.create("topk", Map.of("fraction", 1.5)));
    assertEquals("codec topk: parameter fraction must be in (0.0, 1.0], got 1.5", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Codecs.create("topk", Map.of("fraction", Double.NaN)));
    assertEquals("codec topk: parameter fraction must be in (0.0, 1.0], got NaN", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Codecs.create("topk", Map.of("fraction", 0.5, "count", 3.0)));
    assertEquals("codec topk: give either count or fraction, not both", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Codecs.create("topk+int8", Map.of("levels", 3.0)));
    assertEquals("codec topk+int8: unknown parameter 'levels' (valid: block, count, fraction, min_count)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Codecs.create("topk", Map.of("count", 3.0, "min_count", 5.0)));
    assertEquals("codec topk: min_count applies only with fraction, not count", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Codecs.create("x".repeat(1000), Map.of()));
    assertEquals("unknown codec '" + Abbreviation.abbreviate("x".repeat(1000)) + "' (valid: float32, fp16, bf16, int8, int4, qsgd, topk, randomk, "
        + "topk|randomk+<dense>)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Codecs.create("int8", Map.of("y".repeat(100_000), 1.0)));
    assertEquals("codec int8: unknown parameter '" + Abbreviation.abbreviate("y".repeat(100_000)) + "' (valid: block)", e.getMessage());
    assertTrue(e.getMessage().length() < 300, "the name is abbreviated: " + e.getMessage().length() + " characters");
  }

  @Test
  void sizeDeterminismAndChunkedDecodeForEveryCodec() {
    float[] v = CodecTesting.gaussian(1001, 42);
    for (Codec c : all()) {
      for (int n : new int[] {0, 1, 99, 1001}) {
        float[] part = java.util.Arrays.copyOf(v, n);
        byte[] a = CodecTesting.encode(c, part, 123);
        assertArrayEquals(a, CodecTesting.encode(c, part, 123), c + ": same seed, same bytes");
        float[] whole = CodecTesting.decode(c, a, n);
        for (int chunk : new int[] {1, 7, 64, 1000}) {
          ByteBuffer in = ByteBuffer.wrap(a);
          ChunkDecoder d = c.decoder(in, n);
          assertEquals(a.length, in.position());
          float[] out = new float[n];
          for (int off = 0; off < n; off += chunk) d.next(out, off, Math.min(chunk, n - off));
          assertEquals(0, d.remaining());
          assertArrayEquals(whole, out, c + ": chunk " + chunk);
        }
      }
      // the encoding also works from an offset in the array and into a direct buffer in big-endian order
      ByteBuffer direct = ByteBuffer.allocateDirect((int) c.encodedBytes(500));
      c.encode(v, 501, 500, direct, 9);
      direct.flip();
      byte[] fromDirect = new byte[direct.remaining()];
      direct.get(fromDirect);
      assertArrayEquals(CodecTesting.encode(c, java.util.Arrays.copyOfRange(v, 501, 1001), 9), fromDirect, c.name());
    }
  }

  @Test
  void differentSeedsDifferForRandomisedCodecs() {
    float[] v = CodecTesting.gaussian(1000, 1);
    for (String name : new String[] {"int8", "int4", "qsgd", "randomk"}) {
      Codec c = Codecs.create(name, Map.of());
      assertFalse(java.util.Arrays.equals(CodecTesting.encode(c, v, 1), CodecTesting.encode(c, v, 2)), name);
    }
  }

  @Test
  void bytesDoNotDependOnTheNumberOfThreads() throws Exception {
    // Tensors encoded concurrently, each with its own seed, on 1 and 4 threads: the same bytes.
    float[][] tensors = new float[12][];
    for (int t = 0; t < tensors.length; t++) tensors[t] = CodecTesting.gaussian(3000 + t, t);
    for (Codec c : all()) {
      assertEquals(encodeAll(c, tensors, 1), encodeAll(c, tensors, 4), c.name());
    }
  }

  private static List<String> encodeAll(Codec c, float[][] tensors, int threads) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<byte[]>> futures = new ArrayList<>();
      for (int t = 0; t < tensors.length; t++) {
        float[] v = tensors[t];
        long seed = io.lianbang.core.random.Seeds.derive(7, "codec", t);
        futures.add(pool.submit(() -> CodecTesting.encode(c, v, seed)));
      }
      List<String> out = new ArrayList<>();
      for (Future<byte[]> f : futures) out.add(java.util.Base64.getEncoder().encodeToString(f.get(60, TimeUnit.SECONDS)));
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shortBuffersAndOversizedChunksAreRefused() {
    Codec c = Codecs.create("int8", Map.of());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> c.encode(new float[10], 0, 10, ByteBuffer.allocate(17), 0));
    assertEquals("codec int8 encoding of 10 values needs 18 bytes, the buffer has 17 remaining", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> c.decoder(ByteBuffer.allocate(5), 10));
    assertEquals("codec int8 decoding of 10 values needs 18 bytes, the buffer has 5 remaining", e.getMessage());
    ChunkDecoder d = c.decoder(ByteBuffer.allocate(18), 10);
    e = assertThrows(IllegalArgumentException.class, () -> d.next(new float[20], 0, 11));
    assertEquals("codec int8 decoder asked for 11 values, 10 remain", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> c.encode(new float[10], 5, 10, ByteBuffer.allocate(100), 0));
    assertEquals("values range [5, 15) is outside its length 10", e.getMessage());
  }
}
