package io.lianbang.privacy.paillier;

import java.math.BigInteger;

/**
 * A Paillier private key: the factors p, q of n. Decryption uses the Chinese remainder theorem
 * (Paillier 1999, Section 7): m_p = L_p(c^{p−1} mod p²)·h_p mod p with L_p(x) = (x − 1)/p and
 * h_p = L_p(g^{p−1} mod p²)^{−1} mod p, likewise for q, then m = CRT(m_p, m_q). This works modulo
 * p² and q² instead of n², about four times faster than the textbook λ, μ decryption.
 */
public final class PaillierPrivateKey {
  private final PaillierPublicKey publicKey;
  private final BigInteger p;
  private final BigInteger q;
  private final BigInteger pSquared;
  private final BigInteger qSquared;
  private final BigInteger hp;
  private final BigInteger hq;
  private final BigInteger qInvModP;

  /**
   * @throws IllegalArgumentException if p·q is not the public modulus or p = q
   */
  public PaillierPrivateKey(PaillierPublicKey publicKey, BigInteger p, BigInteger q) {
    if (!p.multiply(q).equals(publicKey.n()) || p.equals(q)) throw new IllegalArgumentException("p·q must equal n with p != q");
    this.publicKey = publicKey;
    this.p = p;
    this.q = q;
    this.pSquared = p.multiply(p);
    this.qSquared = q.multiply(q);
    BigInteger g = publicKey.n().add(BigInteger.ONE);
    this.hp = l(g.modPow(p.subtract(BigInteger.ONE), pSquared), p).modInverse(p);
    this.hq = l(g.modPow(q.subtract(BigInteger.ONE), qSquared), q).modInverse(q);
    this.qInvModP = q.modInverse(p);
  }

  /** The matching public key. */
  public PaillierPublicKey publicKey() {
    return publicKey;
  }

  /** The plaintext in [0, n) of ciphertext {@code c}. */
  public BigInteger decrypt(BigInteger c) {
    if (c.signum() <= 0 || c.compareTo(publicKey.nSquared()) >= 0) throw new IllegalArgumentException("Paillier ciphertext must be in (0, n²)");
    BigInteger mp = l(c.mod(pSquared).modPow(p.subtract(BigInteger.ONE), pSquared), p).multiply(hp).mod(p);
    BigInteger mq = l(c.mod(qSquared).modPow(q.subtract(BigInteger.ONE), qSquared), q).multiply(hq).mod(q);
    // Garner: m = mq + q·((mp − mq)·q⁻¹ mod p)
    return mq.add(q.multiply(mp.subtract(mq).multiply(qInvModP).mod(p)));
  }

  private static BigInteger l(BigInteger x, BigInteger d) {
    return x.subtract(BigInteger.ONE).divide(d);
  }
}
