package io.lianbang.core.compress;

/**
 * bfloat16 (the upper 16 bits of a binary32: 8 exponent bits, 7 fraction bits; Wang &amp; Kanwar,
 * <i>BFloat16: the secret to high performance on Cloud TPUs</i>, Google Cloud blog 2019; Kalamkar
 * et al., <i>A study of BFLOAT16 for deep learning training</i>, arXiv:1905.12322), each value
 * rounded to the nearest bfloat16, ties to even.
 *
 * <p>Error bound: {@code |decode(v) - v| <= 2^-8 |v|} for normal values; subnormals keep an
 * absolute error of at most 2<sup>-134</sup>. Values beyond the largest bfloat16 plus half an ulp
 * round to infinity; infinities stay infinite and NaN stays NaN (quiet).
 */
public final class Bf16 extends SixteenBitFloat {
  /** The name {@link Codecs#create} knows it by. */
  public static final String NAME = "bf16";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  short toBits(float x) {
    return floatToBf16(x);
  }

  @Override
  float toFloat(short bits) {
    return Float.intBitsToFloat(bits << 16);
  }

  /** {@code x} rounded to the nearest bfloat16, ties to even, as its 16 bits. */
  public static short floatToBf16(float x) {
    int bits = Float.floatToRawIntBits(x);
    if ((bits & 0x7fffffff) > 0x7f800000) return (short) ((bits >>> 16) | 0x40); // NaN: quiet
    return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
  }
}
