package io.lianbang.core.compress;

import java.nio.ByteBuffer;

/** Reads the fields a {@link BitWriter} wrote, in order. */
final class BitReader {
  private final ByteBuffer buf;
  private int pos;
  private long acc;
  private int held;

  BitReader(ByteBuffer buf, int start) {
    this.buf = buf;
    this.pos = start;
  }

  /** The next {@code width} bits (0 to 32) as an unsigned value. */
  int read(int width) {
    while (held < width) {
      acc |= (buf.get(pos++) & 0xffL) << held;
      held += 8;
    }
    int v = (int) (acc & ((1L << width) - 1));
    acc >>>= width;
    held -= width;
    return v;
  }
}
