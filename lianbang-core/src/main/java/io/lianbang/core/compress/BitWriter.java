package io.lianbang.core.compress;

import java.nio.ByteBuffer;

/**
 * Writes unsigned fields of 0 to 32 bits into a buffer from a byte index on, least significant bit
 * first; {@link #finish} writes the last partial byte (its unused high bits zero).
 */
final class BitWriter {
  private final ByteBuffer buf;
  private int pos;
  private long acc;
  private int held;

  BitWriter(ByteBuffer buf, int start) {
    this.buf = buf;
    this.pos = start;
  }

  /** Appends the low {@code width} bits of {@code value}. */
  void write(int value, int width) {
    acc |= (value & ((1L << width) - 1)) << held;
    held += width;
    while (held >= 8) {
      buf.put(pos++, (byte) acc);
      acc >>>= 8;
      held -= 8;
    }
  }

  /** Writes the bits still held; returns the byte index after the last byte written. */
  int finish() {
    if (held > 0) buf.put(pos++, (byte) acc);
    acc = 0;
    held = 0;
    return pos;
  }
}
