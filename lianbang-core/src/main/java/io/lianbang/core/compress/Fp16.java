package io.lianbang.core.compress;

/**
 * IEEE 754-2008 binary16 ("half precision": 1 sign bit, 5 exponent bits, 10 fraction bits), each
 * value rounded to the nearest binary16, ties to even, as the standard's default rounding (IEEE Std
 * 754-2008, clauses 3.6 and 4.3.1) prescribes; the conversion is written out because {@code
 * Float.floatToFloat16} needs Java 20.
 *
 * <p>Error bound: for {@code |v|} in the normal range [2<sup>-14</sup>, 65504], {@code |decode(v) -
 * v| <= 2^-11 |v|}; below it (subnormals) {@code |decode(v) - v| <= 2^-25}. Values of magnitude
 * 65520 and more round to infinity, as IEEE 754 specifies; infinities stay infinite and NaN stays
 * NaN (quiet, sign and upper payload bits kept).
 */
public final class Fp16 extends SixteenBitFloat {
  /** The name {@link Codecs#create} knows it by. */
  public static final String NAME = "fp16";

  private static final float[] DECODED = new float[1 << 16];

  static {
    for (int h = 0; h < DECODED.length; h++) DECODED[h] = halfToFloat((short) h);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  short toBits(float x) {
    return floatToHalf(x);
  }

  @Override
  float toFloat(short bits) {
    return DECODED[bits & 0xffff];
  }

  /** {@code x} rounded to the nearest binary16, ties to even, as its 16 bits. */
  public static short floatToHalf(float x) {
    int bits = Float.floatToRawIntBits(x);
    int sign = (bits >>> 16) & 0x8000;
    int abs = bits & 0x7fffffff;
    if (abs >= 0x7f800000) { // infinity or NaN: NaN keeps its upper payload and becomes quiet
      return (short) (sign | 0x7c00 | (abs > 0x7f800000 ? 0x200 | ((abs >>> 13) & 0x3ff) : 0));
    }
    if (abs >= 0x477ff000) return (short) (sign | 0x7c00); // >= 65520: rounds to infinity
    if (abs >= 0x38800000) { // normal binary16: rebias the exponent (127 - 15 = 112), round 13 bits away
      int m = abs - 0x38000000;
      return (short) (sign | ((m + 0xfff + ((m >>> 13) & 1)) >>> 13));
    }
    if (abs < 0x33000000) return (short) sign; // below 2^-25: rounds to zero
    int e = abs >>> 23;
    int mant = (abs & 0x7fffff) | 0x800000;
    int shift = 126 - e; // subnormal binary16: units of 2^-24
    int q = mant >>> shift;
    int rem = mant & ((1 << shift) - 1);
    int half = 1 << (shift - 1);
    if (rem > half || (rem == half && (q & 1) == 1)) q++;
    return (short) (sign | q);
  }

  /** The value of the binary16 {@code h}, exactly (every binary16 is a binary32). */
  public static float halfToFloat(short h) {
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0) {
      float v = mant * 0x1p-24f;
      return sign != 0 ? -v : v;
    }
    if (exp == 31) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }
}
