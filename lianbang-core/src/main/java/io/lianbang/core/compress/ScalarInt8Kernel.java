package io.lianbang.core.compress;

import io.lianbang.core.random.SplitMix64;

/** The portable {@link Int8Kernel}. */
final class ScalarInt8Kernel implements Int8Kernel {
  /** A float's bits as an int that orders like the float; its own inverse. NaNs sort beyond the infinities. */
  static int sortable(int bits) {
    return bits ^ (bits >> 31) & 0x7fffffff;
  }

  @Override
  public long sortableRange(float[] v, int base, int m) {
    int lo = Integer.MAX_VALUE;
    int hi = Integer.MIN_VALUE;
    for (int i = base; i < base + m; i++) {
      int k = sortable(Float.floatToRawIntBits(v[i]));
      lo = Math.min(lo, k);
      hi = Math.max(hi, k);
    }
    return (long) lo << 32 | hi & 0xffffffffL;
  }

  @Override
  public void quantise(float[] v, int base, int m, float min, float inv, long key, byte[] codes) {
    quantise(v, base, 0, m, min, inv, key, codes);
  }

  /** {@link #quantise} of values {@code from} (a multiple of 4) to {@code m} only. */
  static void quantise(float[] v, int base, int from, int m, float min, float inv, long key, byte[] codes) {
    for (int i = from; i < m; i += 4) {
      long r = SplitMix64.mix(key + ((i >> 2) + 1) * SplitMix64.GOLDEN_GAMMA);
      for (int j = 0; j < 4 && i + j < m; j++) {
        codes[i + j] = (byte) Math.min((int) ((v[base + i + j] - min) * inv + ((int) (r >>> (16 * j)) & 0xffff) * 0x1p-16f), 255);
      }
    }
  }
}
