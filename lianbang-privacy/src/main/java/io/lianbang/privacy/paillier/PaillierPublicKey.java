package io.lianbang.privacy.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * A Paillier public key (P. Paillier, "Public-Key Cryptosystems Based on Composite Degree
 * Residuosity Classes", EUROCRYPT 1999) with generator g = n + 1: anyone holding it can encrypt,
 * add ciphertexts and multiply them by plaintext scalars, none of which reveals a plaintext.
 *
 * <ul>
 *   <li>E(m; r) = g^m · r^n mod n² = (1 + m·n) · r^n mod n², r uniform in Z*_n;
 *   <li>E(a) · E(b) mod n² = E(a + b mod n) (homomorphic addition);
 *   <li>E(a)^k mod n² = E(k·a mod n) (multiplication by a plaintext scalar).
 * </ul>
 */
public final class PaillierPublicKey {
  private final BigInteger n;
  private final BigInteger nSquared;

  /**
   * @throws IllegalArgumentException if {@code n} is not an odd number of at least 8 bits
   */
  public PaillierPublicKey(BigInteger n) {
    Objects.requireNonNull(n, "n");
    if (n.bitLength() < 8 || !n.testBit(0)) throw new IllegalArgumentException("Paillier modulus must be odd and >= 8 bits, got " + n.bitLength() + " bits");
    this.n = n;
    this.nSquared = n.multiply(n);
  }

  /** The modulus n. */
  public BigInteger n() {
    return n;
  }

  /** n². */
  public BigInteger nSquared() {
    return nSquared;
  }

  /** The key size in bits (of n). */
  public int bits() {
    return n.bitLength();
  }

  /**
   * Encrypts {@code m} with fresh randomness.
   *
   * @throws IllegalArgumentException if m is not in [0, n)
   */
  public BigInteger encrypt(BigInteger m, SecureRandom random) {
    if (m.signum() < 0 || m.compareTo(n) >= 0) throw new IllegalArgumentException("Paillier plaintext must be in [0, n)");
    BigInteger r;
    do {
      r = new BigInteger(n.bitLength(), random);
    } while (r.signum() == 0 || r.compareTo(n) >= 0 || !r.gcd(n).equals(BigInteger.ONE));
    BigInteger gm = BigInteger.ONE.add(m.multiply(n)).mod(nSquared);
    return gm.multiply(r.modPow(n, nSquared)).mod(nSquared);
  }

  /** E(a + b) from E(a) and E(b). */
  public BigInteger add(BigInteger ca, BigInteger cb) {
    return ca.multiply(cb).mod(nSquared);
  }

  /** E(k·a) from E(a) and a plaintext scalar k (negative k multiplies by k mod n). */
  public BigInteger multiply(BigInteger ca, BigInteger k) {
    return ca.modPow(k.mod(n), nSquared);
  }

  /** E(0) without randomness: the identity of {@link #add}, for starting a sum. */
  public BigInteger zero() {
    return BigInteger.ONE;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PaillierPublicKey k && k.n.equals(n);
  }

  @Override
  public int hashCode() {
    return n.hashCode();
  }
}
