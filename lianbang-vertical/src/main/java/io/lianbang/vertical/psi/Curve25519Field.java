package io.lianbang.vertical.psi;

import java.math.BigInteger;

/**
 * Arithmetic in GF(p), p = 2^255 - 19, the field of Curve25519 (RFC 7748, section 4.1), with the
 * square root for p = 5 (mod 8) of RFC 9380, appendix I.2. Not constant-time: it only ever sees
 * hashes of a party's own ids, never a secret scalar.
 */
final class Curve25519Field {
  /** The field's prime 2^255 - 19. */
  static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
  /** The Montgomery coefficient A of v^2 = u^3 + A u^2 + u. */
  static final BigInteger A = BigInteger.valueOf(486662);

  private static final BigInteger SQRT_EXPONENT = P.add(BigInteger.valueOf(3)).shiftRight(3);
  /** sqrt(-1) = 2^((p-1)/4). */
  private static final BigInteger SQRT_MINUS_ONE = BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);

  private Curve25519Field() {}

  static BigInteger add(BigInteger a, BigInteger b) {
    BigInteger r = a.add(b);
    return r.compareTo(P) >= 0 ? r.subtract(P) : r;
  }

  static BigInteger sub(BigInteger a, BigInteger b) {
    BigInteger r = a.subtract(b);
    return r.signum() < 0 ? r.add(P) : r;
  }

  static BigInteger mul(BigInteger a, BigInteger b) {
    return a.multiply(b).mod(P);
  }

  static BigInteger neg(BigInteger a) {
    return a.signum() == 0 ? a : P.subtract(a);
  }

  /** The inverse of {@code a}, or 0 for 0 (RFC 9380's inv0). */
  static BigInteger inv0(BigInteger a) {
    return a.signum() == 0 ? BigInteger.ZERO : a.modInverse(P);
  }

  /** 2^((p+3)/8): the factor from a^((p+3)/8) to (2a)^((p+3)/8). */
  static final BigInteger TWO_TO_SQRT_EXPONENT = BigInteger.TWO.modPow(SQRT_EXPONENT, P);

  /** A square root of {@code a}, or null if {@code a} is not a square. */
  static BigInteger sqrt(BigInteger a) {
    return fixSqrt(a.modPow(SQRT_EXPONENT, P), a);
  }

  /** a^((p+3)/8), the candidate root of RFC 9380's sqrt for p = 5 (mod 8). */
  static BigInteger sqrtCandidate(BigInteger a) {
    return a.modPow(SQRT_EXPONENT, P);
  }

  /**
   * The square root of {@code a} from a candidate c with c^2 = a or c^2 = -a (as a^((p+3)/8) is for a
   * square a), or null if c^2 is neither.
   */
  static BigInteger fixSqrt(BigInteger c, BigInteger a) {
    BigInteger c2 = mul(c, c);
    if (c2.equals(a)) return c;
    if (c2.equals(neg(a))) return mul(c, SQRT_MINUS_ONE);
    return null;
  }

  /** RFC 9380's sgn0 for a prime field: the parity of the canonical representative. */
  static int sgn0(BigInteger a) {
    return a.testBit(0) ? 1 : 0;
  }

  /** The 32-byte little-endian encoding of a field element (RFC 7748, section 5). */
  static byte[] encode(BigInteger a) {
    byte[] out = new byte[32];
    encode(a, out, 0);
    return out;
  }

  /** Writes the 32-byte little-endian encoding of {@code a} at {@code out[offset]}. */
  static void encode(BigInteger a, byte[] out, int offset) {
    byte[] be = a.toByteArray();
    for (int i = 0; i < 32; i++) {
      int j = be.length - 1 - i;
      out[offset + i] = j >= 0 ? be[j] : 0;
    }
  }

  /** The value of 32 little-endian bytes at {@code in[offset]}, all 256 bits (no masking). */
  static BigInteger decode(byte[] in, int offset) {
    byte[] be = new byte[32];
    for (int i = 0; i < 32; i++) be[i] = in[offset + 31 - i];
    return new BigInteger(1, be);
  }
}
