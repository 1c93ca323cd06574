package io.lianbang.privacy.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * A Paillier key pair: n = p·q with p, q random primes of the same bit length (safe primes are
 * not needed). With equal lengths gcd(pq, (p−1)(q−1)) = 1 holds, as Paillier 1999 requires.
 */
public record PaillierKeyPair(PaillierPublicKey publicKey, PaillierPrivateKey privateKey) {
  /**
   * A fresh key pair whose modulus has exactly {@code bits} bits.
   *
   * @throws IllegalArgumentException if bits is odd or below 64
   */
  public static PaillierKeyPair generate(int bits, SecureRandom random) {
    if (bits < 64 || bits % 2 != 0) throw new IllegalArgumentException("paillier.key_bits must be even and >= 64, got " + bits);
    while (true) {
      BigInteger p = BigInteger.probablePrime(bits / 2, random);
      BigInteger q = BigInteger.probablePrime(bits / 2, random);
      BigInteger n = p.multiply(q);
      if (p.equals(q) || n.bitLength() != bits) continue;
      PaillierPublicKey pub = new PaillierPublicKey(n);
      return new PaillierKeyPair(pub, new PaillierPrivateKey(pub, p, q));
    }
  }
}
