package io.lianbang.privacy.secagg;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import javax.crypto.KeyAgreement;

/**
 * X25519 Diffie-Hellman on the JDK provider (D. J. Bernstein, "Curve25519: new Diffie-Hellman
 * speed records", PKC 2006; RFC 7748). Keys travel as their 32-byte RFC 7748 encodings.
 */
final class X25519 {
  private static final BigInteger BASE_POINT = BigInteger.valueOf(9);

  private X25519() {}

  /** A fresh key pair. */
  public static KeyPair generate(SecureRandom random) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("X25519");
      g.initialize(NamedParameterSpec.X25519, random);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("X25519 is unavailable in this JDK", e);
    }
  }

  /** The 32-byte little-endian u-coordinate of a public key (RFC 7748, Section 5). */
  public static byte[] encode(PublicKey key) {
    BigInteger u = ((XECPublicKey) key).getU();
    byte[] be = Shamir.toBytes(u, 32);
    byte[] le = new byte[32];
    for (int i = 0; i < 32; i++) le[i] = be[31 - i];
    return le;
  }

  /** The public key with the given 32-byte encoding. */
  public static PublicKey decodePublic(byte[] encoded) {
    if (encoded.length != 32) throw new IllegalArgumentException("X25519 public key must be 32 bytes, got " + encoded.length);
    byte[] be = new byte[32];
    for (int i = 0; i < 32; i++) be[i] = encoded[31 - i];
    be[0] &= 0x7f; // RFC 7748: the top bit of the u-coordinate is ignored
    return publicFromU(new BigInteger(1, be));
  }

  private static PublicKey publicFromU(BigInteger u) {
    try {
      return KeyFactory.getInstance("X25519").generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, u));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("invalid X25519 public key", e);
    }
  }

  /** The 32-byte scalar of a private key. */
  public static byte[] encode(PrivateKey key) {
    return ((XECPrivateKey) key).getScalar().orElseThrow(() -> new IllegalStateException("X25519 private key has no exportable scalar"));
  }

  /** The private key with the given 32-byte scalar. */
  public static PrivateKey decodePrivate(byte[] scalar) {
    if (scalar.length != 32) throw new IllegalArgumentException("X25519 private key must be 32 bytes, got " + scalar.length);
    try {
      return KeyFactory.getInstance("X25519").generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar.clone()));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("invalid X25519 private key", e);
    }
  }

  /** The 32-byte shared secret X25519(own, peer). */
  public static byte[] agree(PrivateKey own, PublicKey peer) {
    try {
      KeyAgreement ka = KeyAgreement.getInstance("X25519");
      ka.init(own);
      ka.doPhase(peer, true);
      return ka.generateSecret();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("X25519 key agreement failed: " + e.getMessage(), e);
    }
  }

  /**
   * The encoded public key of {@code scalar}: X25519(scalar, 9), the product with the base point.
   * Used to check a reconstructed private key against the public key its owner advertised.
   */
  public static byte[] publicOf(byte[] scalar) {
    byte[] u = agree(decodePrivate(scalar), publicFromU(BASE_POINT));
    return u;
  }
}
