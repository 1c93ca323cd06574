package io.lianbang.core.compress;

import java.nio.ByteBuffer;

/**
 * The positions of k of n values, ascending, in whichever of two codings is smaller for n and k
 * (so the size is a function of n and k alone): a bitmap of n bits ({@code ceil(n / 8)} bytes), or
 * each position in {@code w = ceil(log2 n)} bits, LSB first ({@code ceil(k w / 8)} bytes); the
 * fixed-width coding on a tie.
 */
final class IndexCoding {
  private IndexCoding() {}

  /** Bits per position in the fixed-width coding. */
  static int width(int n) {
    return n <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(n - 1);
  }

  /** Whether n values of which k are kept use the bitmap. */
  static boolean bitmap(int n, int k) {
    return (n + 7L) / 8 < ((long) k * width(n) + 7) / 8;
  }

  /** The bytes of the coding of k positions of n. */
  static long bytes(int n, int k) {
    return Math.min((n + 7L) / 8, ((long) k * width(n) + 7) / 8);
  }

  /** Writes {@code indices[0, k)} (ascending, below n) at byte 0 of {@code b}. */
  static void write(ByteBuffer b, int n, int[] indices, int k) {
    if (bitmap(n, k)) {
      int bytes = (n + 7) / 8;
      for (int i = 0; i < bytes; i++) b.put(i, (byte) 0);
      for (int j = 0; j < k; j++) {
        int i = indices[j];
        b.put(i >>> 3, (byte) (b.get(i >>> 3) | 1 << (i & 7)));
      }
    } else {
      BitWriter w = new BitWriter(b, 0);
      int width = width(n);
      for (int j = 0; j < k; j++) w.write(indices[j], width);
      w.finish();
    }
  }

  /** Reads the positions {@link #write} wrote, one at a time. */
  static final class Reader {
    private final ByteBuffer b;
    private final boolean bitmap;
    private final int width;
    private final BitReader bits;
    private int bit; // bitmap: the next bit to examine

    private final int n;

    Reader(ByteBuffer b, int n, int k) {
      this.b = b;
      this.n = n;
      this.bitmap = bitmap(n, k);
      this.width = width(n);
      this.bits = new BitReader(b, 0);
      if (bitmap) {
        int set = 0;
        for (int i = 0; i < (n + 7) / 8; i++) set += Integer.bitCount(b.get(i) & 0xff);
        int padding = n % 8 == 0 ? 0 : (b.get(n >>> 3) & 0xff) >>> (n & 7);
        if (set != k || padding != 0) {
          throw new IllegalArgumentException("the position bitmap has " + set + " bits set" + (padding != 0 ? " (some past position " + n + ")" : "")
              + ", expected " + k);
        }
      }
    }

    /** The next position; call at most k times. */
    int next() {
      if (!bitmap) return bits.read(width);
      while (bit < n) {
        int rest = (b.get(bit >>> 3) & 0xff) >>> (bit & 7);
        if (rest != 0) {
          bit += Integer.numberOfTrailingZeros(rest);
          return bit++;
        }
        bit = (bit | 7) + 1;
      }
      return n; // fewer set bits than k: the caller refuses position n
    }
  }
}
