package io.lianbang.core.compress;

import java.nio.ByteBuffer;
import java.util.Map;

/** A codec that rounds each value to a 16-bit floating-point format: 2 bytes per value. */
abstract class SixteenBitFloat implements Codec {
  /** The 16 bits of {@code x} in this format. */
  abstract short toBits(float x);

  /** The value of {@code bits} in this format, exactly. */
  abstract float toFloat(short bits);

  @Override
  public final Map<String, Double> parameters() {
    return Map.of();
  }

  @Override
  public final long encodedBytes(int n) {
    return 2L * n;
  }

  @Override
  public final void encode(float[] values, int offset, int length, ByteBuffer out, long seed) {
    Checks.range("values", values.length, offset, length);
    ByteBuffer b = Checks.slot(out, encodedBytes(length), name(), "encoding of " + length + " values");
    for (int i = 0; i < length; i++) b.putShort(2 * i, toBits(values[offset + i]));
    Checks.advance(out, b);
  }

  @Override
  public final ChunkDecoder decoder(ByteBuffer in, int n) {
    ByteBuffer b = Checks.claim(in, encodedBytes(n), name(), "decoding of " + n + " values");
    return new ChunkDecoder() {
      private int next;

      @Override
      public int remaining() {
        return n - next;
      }

      @Override
      public void next(float[] out, int offset, int length) {
        Checks.chunk(name(), n - next, out, offset, length);
        int p = 2 * next;
        for (int i = 0; i < length; i++, p += 2) out[offset + i] = toFloat(b.getShort(p));
        next += length;
      }
    };
  }

  @Override
  public final String toString() {
    return name();
  }
}
