package io.lianbang.privacy.paillier;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Encodes real numbers as Paillier plaintexts: x ↦ round(x·2^f) mod n, so negative values occupy
 * the upper half of Z_n (two's-complement style) and homomorphic sums of encodings decode to sums
 * of the values, as long as the true sum stays within ±n/2 / 2^f. With a 2048-bit n and f = 40
 * that bound is about 10^296: it never binds for model updates.
 */
final class FixedPointEncoding {
  private final BigInteger n;
  private final BigInteger half;
  private final int fractionBits;
  private final double scale;

  /**
   * @throws IllegalArgumentException if fractionBits is outside [0, 60]
   */
  public FixedPointEncoding(PaillierPublicKey key, int fractionBits) {
    if (fractionBits < 0 || fractionBits > 60) throw new IllegalArgumentException("fractionBits must be in [0, 60], got " + fractionBits);
    this.n = key.n();
    this.half = n.shiftRight(1);
    this.fractionBits = fractionBits;
    this.scale = Math.scalb(1.0, fractionBits);
  }

  /**
   * The plaintext of {@code x}.
   *
   * @throws IllegalArgumentException if x is not finite
   */
  public BigInteger encode(double x) {
    if (!Double.isFinite(x)) throw new IllegalArgumentException("cannot encode " + x);
    BigInteger v = new BigDecimal(x).multiply(new BigDecimal(BigInteger.ONE.shiftLeft(fractionBits)))
        .setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
    return v.mod(n);
  }

  /** The value of plaintext {@code m}: upper-half residues are negative. */
  public double decode(BigInteger m) {
    BigInteger v = m.compareTo(half) > 0 ? m.subtract(n) : m;
    return v.doubleValue() / scale;
  }
}
