package io.lianbang.vertical.psi;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;

/**
 * A party's secret PSI scalar and the blinding u -> X25519(k, u) with it (RFC 7748), done by the
 * JDK's X25519 key agreement. Blinding commutes: X25519(a, X25519(b, u)) = X25519(b, X25519(a, u)),
 * because both are the u-coordinate of (clamp(a) * clamp(b)) * P on the x-only Montgomery ladder.
 * The scalar comes from a fresh X25519 key of the given {@link SecureRandom} and never leaves the
 * object.
 */
final class X25519Blinder {
  private final PrivateKey scalar;

  /** A blinder with a new secret scalar drawn from {@code random}. */
  X25519Blinder(SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("X25519");
      g.initialize(NamedParameterSpec.X25519, random);
      scalar = g.generateKeyPair().getPrivate();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no X25519", e);
    }
  }

  /** A single-threaded worker doing blindings with this scalar. */
  Worker worker() {
    return new Worker();
  }

  /** The X25519 objects of one thread; not thread-safe. */
  final class Worker {
    private final KeyFactory keys;
    private final KeyAgreement agreement;

    private Worker() {
      try {
        keys = KeyFactory.getInstance("X25519");
        agreement = KeyAgreement.getInstance("X25519");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("the JDK has no X25519", e);
      }
    }

    /**
     * X25519(k, u) as 32 little-endian bytes written at {@code out[offset]}.
     *
     * @param u a canonical u-coordinate, in [0, p)
     * @return false if the result is the all-zero value of a small-order input (the JDK refuses it)
     */
    boolean blind(BigInteger u, byte[] out, int offset) {
      try {
        agreement.init(scalar);
        agreement.doPhase(keys.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, u)), true);
        byte[] s = agreement.generateSecret();
        System.arraycopy(s, 0, out, offset, 32);
        return true;
      } catch (InvalidKeyException e) {
        return false;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("X25519 failed", e);
      }
    }
  }
}
