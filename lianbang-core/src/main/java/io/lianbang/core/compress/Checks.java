package io.lianbang.core.compress;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Argument checks and buffer claims shared by the codecs. */
final class Checks {
  private Checks() {}

  /** Throws unless {@code [offset, offset + length)} lies within an array of {@code size}. */
  static void range(String what, int size, int offset, int length) {
    if (offset < 0 || length < 0 || offset > size - length) {
      throw new IllegalArgumentException(
          what + " range [" + offset + ", " + ((long) offset + length) + ") is outside its length " + size);
    }
  }

  /**
   * The next {@code bytes} bytes of {@code buf} as a little-endian buffer indexed from 0; {@code
   * buf}'s position does not move (an encoder moves it with {@link #advance} once it has succeeded).
   */
  static ByteBuffer slot(ByteBuffer buf, long bytes, String codec, String purpose) {
    if (bytes > buf.remaining()) {
      throw new IllegalArgumentException(
          "codec " + codec + " " + purpose + " needs " + bytes + " bytes, the buffer has " + buf.remaining() + " remaining");
    }
    return buf.slice(buf.position(), (int) bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Moves {@code buf}'s position past the {@code slot} taken from it. */
  static void advance(ByteBuffer buf, ByteBuffer slot) {
    buf.position(buf.position() + slot.capacity());
  }

  /** As {@link #slot}, and moves {@code buf}'s position past those bytes at once (for decoders). */
  static ByteBuffer claim(ByteBuffer buf, long bytes, String codec, String purpose) {
    ByteBuffer b = slot(buf, bytes, codec, purpose);
    advance(buf, b);
    return b;
  }

  /** Whether {@code x} is NaN or infinite. */
  static boolean nonFinite(float x) {
    return (Float.floatToRawIntBits(x) & 0x7f800000) == 0x7f800000;
  }

  /** Throws, naming the first non-finite value of {@code values[offset, offset + length)}, if there is one. */
  static void finite(float[] values, int offset, int length, String codec) {
    for (int i = offset; i < offset + length; i++) {
      if (nonFinite(values[i])) {
        throw new IllegalArgumentException(
            "codec " + codec + " encodes finite values only, got values[" + i + "] = " + values[i]);
      }
    }
  }

  /** Throws if a chunk lies outside {@code out} or asks for more values than remain. */
  static void chunk(String codec, int remaining, float[] out, int offset, int length) {
    range("output", out.length, offset, length);
    if (length > remaining) {
      throw new IllegalArgumentException(
          "codec " + codec + " decoder asked for " + length + " values, " + remaining + " remain");
    }
  }
}
