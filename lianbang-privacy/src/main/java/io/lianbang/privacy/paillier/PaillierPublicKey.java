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
   * Encrypts {@code m} with fresh randomness: {@link #encrypt(BigInteger, BigInteger)} with the
   * obfuscator {@link #obfuscator(SecureRandom)}.
   *
   * @throws IllegalArgumentException if m is not in [0, n)
   */
  public BigInteger encrypt(BigInteger m, SecureRandom random) {
    checkPlaintext(m);
    return encrypt(m, obfuscator(random));
  }

  /**
   * Encrypts {@code m} with a precomputed obfuscator r^n mod n² (from {@link #obfuscator}, an
   * {@link ObfuscatorSource} or an {@link ObfuscatorPool}): E(m) = (1 + m·n) · r^n mod n², two
   * multiplications instead of an exponentiation. Since g = n + 1, g^m = 1 + m·n mod n² by the
   * binomial theorem (the shortcut of python-paillier and FATE), so only r^n needs a modular
   * exponentiation, and that one does not depend on m. Each obfuscator must be used for one
   * encryption only: two ciphertexts sharing r^n reveal the difference of their plaintexts.
   *
   * @throws IllegalArgumentException if m is not in [0, n) or the obfuscator not in (0, n²)
   */
  public BigInteger encrypt(BigInteger m, BigInteger obfuscator) {
    checkPlaintext(m);
    if (obfuscator.signum() <= 0 || obfuscator.compareTo(nSquared) >= 0) throw new IllegalArgumentException("Paillier obfuscator must be in (0, n²)");
    // m < n, so 1 + m·n < n² needs no reduction.
    return BigInteger.ONE.add(m.multiply(n)).multiply(obfuscator).mod(nSquared);
  }

  /**
   * A fresh obfuscator r^n mod n² with r uniform in Z*_n (rejection sampling from {@code random}):
   * the costly part of an encryption, which does not depend on the plaintext and can therefore be
   * computed ahead ({@link ObfuscatorPool}).
   */
  public BigInteger obfuscator(SecureRandom random) {
    BigInteger r;
    do {
      r = new BigInteger(n.bitLength(), random);
    } while (r.signum() == 0 || r.compareTo(n) >= 0 || !r.gcd(n).equals(BigInteger.ONE));
    return r.modPow(n, nSquared);
  }

  private void checkPlaintext(BigInteger m) {
    if (m.signum() < 0 || m.compareTo(n) >= 0) throw new IllegalArgumentException("Paillier plaintext must be in [0, n)");
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
