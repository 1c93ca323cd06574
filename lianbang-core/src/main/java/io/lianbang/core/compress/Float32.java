package io.lianbang.core.compress;

import java.nio.ByteBuffer;
import java.util.Map;

/** The identity codec: each value as its 4 IEEE 754 binary32 bytes, NaN and infinities included. */
public final class Float32 implements Codec {
  /** The name {@link Codecs#create} knows it by. */
  public static final String NAME = "float32";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, Double> parameters() {
    return Map.of();
  }

  @Override
  public long encodedBytes(int n) {
    return 4L * n;
  }

  @Override
  public void encode(float[] values, int offset, int length, ByteBuffer out, long seed) {
    Checks.range("values", values.length, offset, length);
    ByteBuffer b = Checks.slot(out, encodedBytes(length), NAME, "encoding of " + length + " values");
    b.asFloatBuffer().put(values, offset, length);
    Checks.advance(out, b);
  }

  @Override
  public ChunkDecoder decoder(ByteBuffer in, int n) {
    java.nio.FloatBuffer f = Checks.claim(in, encodedBytes(n), NAME, "decoding of " + n + " values").asFloatBuffer();
    return new ChunkDecoder() {
      @Override
      public int remaining() {
        return f.remaining();
      }

      @Override
      public void next(float[] out, int offset, int length) {
        Checks.chunk(NAME, f.remaining(), out, offset, length);
        f.get(out, offset, length);
      }
    };
  }

  @Override
  public String toString() {
    return NAME;
  }
}
