package io.lianbang.core.aggregate;

/** The portable {@link FixedPointKernel}: one term at a time. */
final class ScalarFixedPointKernel implements FixedPointKernel {
  @Override
  public int add(float[] x, int n, long weight, boolean subtract, long[] hi, long[] lo, int at) {
    return add(x, 0, n, weight, subtract, null, 0, -1, hi, lo, at);
  }

  @Override
  public int add(float[] x, int n, long weight, boolean subtract, long[] buffer, int base, int width, long[] hi, long[] lo, int at) {
    return add(x, 0, n, weight, subtract, buffer, base, width, hi, lo, at);
  }

  /**
   * As {@link #add(float[], int, long, boolean, long[], int, int, long[], long[], int)} for
   * {@code i} in [{@code from}, {@code n}); a {@code width} of -1 buffers nothing.
   */
  static int add(float[] x, int from, int n, long weight, boolean subtract, long[] buffer, int base, int width,
      long[] hi, long[] lo, int at) {
    long flip = subtract ? -1 : 0;
    int special = 0;
    for (int i = from; i < n; i++) {
      int bits = Float.floatToRawIntBits(x[i]);
      int exp = (bits >>> 23) & 0xff;
      if (exp == 0) continue;
      if (exp < MIN_SHIFTED || exp > MAX_SHIFTED) {
        special++;
        continue;
      }
      long sign = (bits >> 31) ^ flip; // all ones for a negative term: two's complement negation
      long p = ((weight * ((bits & 0x7fffff) | 0x800000)) ^ sign) - sign; // |p| < 2^53
      int shift = exp - MIN_SHIFTED;
      int buffered = shift - base;
      if (buffered >= 0 && buffered <= width) {
        buffer[at + i] += p << buffered;
        continue;
      }
      long tLo = p << shift;
      long tHi = (p >> 1) >> (63 - shift); // p's 128-bit sign extension shifted: the high word
      long l = lo[at + i];
      long sum = l + tLo;
      lo[at + i] = sum;
      hi[at + i] += tHi + (Long.compareUnsigned(sum, l) < 0 ? 1 : 0); // plus the carry out of the low word
    }
    return special;
  }
}
