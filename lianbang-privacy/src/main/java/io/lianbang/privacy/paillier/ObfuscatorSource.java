package io.lianbang.privacy.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * Where encryptions get their randomness: obfuscators r^n mod n² for one Paillier public key, r
 * uniform in Z*_n, each handed out once. {@link #inline} computes each on demand in the calling
 * thread; an {@link ObfuscatorPool} computes them ahead on background threads. Implementations are
 * safe to call from several threads at once ({@link ParallelPaillier} does).
 */
public interface ObfuscatorSource {
  /** The key whose n the obfuscators belong to. */
  PaillierPublicKey key();

  /** A fresh obfuscator r^n mod n², never handed out before. */
  BigInteger next();

  /** Encrypts {@code m} with {@link #next()}: the plaintext must be in [0, n). */
  default BigInteger encrypt(BigInteger m) {
    return key().encrypt(m, next());
  }

  /**
   * A source computing each obfuscator on demand from {@code random} (a {@link SecureRandom},
   * never seeded), as {@link PaillierPublicKey#encrypt(BigInteger, SecureRandom)} does.
   */
  static ObfuscatorSource inline(PaillierPublicKey key, SecureRandom random) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(random, "random");
    return new ObfuscatorSource() {
      @Override
      public PaillierPublicKey key() {
        return key;
      }

      @Override
      public BigInteger next() {
        return key.obfuscator(random);
      }
    };
  }
}
