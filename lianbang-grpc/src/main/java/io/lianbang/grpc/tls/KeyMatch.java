package io.lianbang.grpc.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.PSSParameterSpec;
import java.util.Iterator;

/**
 * Checks that a private key belongs to a certificate: the key signs a random challenge and the
 * certificate's public key must verify it (the JDK's own signature algorithms). Without this
 * check, TLS material whose key does not match starts fine and fails only in every handshake.
 * Keys are read as PKCS#8 or traditional OpenSSL PEM (see {@link PrivateKeyPem}).
 */
public final class KeyMatch {
  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyMatch() {}

  /**
   * The private key, checked to belong to the first certificate of the chain.
   *
   * @throws IOException naming both files if the key does not match the first certificate of the
   *     chain, or naming the file that holds no usable certificate or key
   */
  static PrivateKey require(Path certificateChain, Path privateKey) throws IOException {
    return key(leafKey(certificateChain), certificateChain.toString(), privateKey);
  }

  /** Takes a certificate chain and a PKCS#8 key as PEM streams: a TLS credentials builder's {@code keyManager}. */
  @FunctionalInterface
  interface KeyManager {
    Object keyManager(InputStream certificateChain, InputStream privateKey) throws IOException;
  }

  /**
   * Checks the key against the chain and gives both to {@code target}, the key as PKCS#8 whatever
   * its PEM form, so that TLS needs no PEM reader beyond the JDK's.
   *
   * @throws IOException as {@link #require}
   */
  static void keyManager(Path certificateChain, Path privateKey, KeyManager target) throws IOException {
    PrivateKey key = require(certificateChain, privateKey);
    byte[] pem = PrivateKeyPem.pem("PRIVATE KEY", key.getEncoded()).getBytes(StandardCharsets.US_ASCII);
    try (InputStream chain = Files.newInputStream(certificateChain)) {
      target.keyManager(chain, new ByteArrayInputStream(pem));
    }
  }

  /**
   * The private key in {@code privateKey}, checked to belong to {@code certified}, the public key
   * of {@code certificate} (which names it in messages).
   *
   * @throws IOException naming the key file and the certificate if the key does not match, or
   *     naming the file if it holds no usable key
   */
  public static PrivateKey key(PublicKey certified, String certificate, Path privateKey) throws IOException {
    String mismatch = "the private key " + privateKey + " does not match the certificate " + certificate;
    try {
      PrivateKey key;
      try {
        key = KeyFactory.getInstance(certified.getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(PrivateKeyPem.pkcs8(privateKey)));
      } catch (java.security.spec.InvalidKeySpecException e) {
        throw new IOException(mismatch + ": the key is not a " + certified.getAlgorithm() + " key");
      }
      byte[] challenge = new byte[32];
      RANDOM.nextBytes(challenge);
      Signature sign = signature(certified.getAlgorithm(), certificate);
      sign.initSign(key);
      sign.update(challenge);
      byte[] signed = sign.sign();
      Signature verify = signature(certified.getAlgorithm(), certificate);
      verify.initVerify(certified);
      verify.update(challenge);
      if (!verify.verify(signed)) throw new IOException(mismatch + " (its public key)");
      return key;
    } catch (GeneralSecurityException e) {
      throw new IOException(mismatch + ": " + e.getMessage(), e);
    }
  }

  private static PublicKey leafKey(Path certificateChain) throws IOException {
    try (InputStream in = Files.newInputStream(certificateChain)) {
      Iterator<? extends Certificate> chain = CertificateFactory.getInstance("X.509").generateCertificates(in).iterator();
      if (!chain.hasNext()) throw new IOException("certificate chain " + certificateChain + " holds no certificate");
      return chain.next().getPublicKey();
    } catch (GeneralSecurityException e) {
      throw new IOException("certificate chain " + certificateChain + " cannot be parsed: " + e.getMessage(), e);
    }
  }

  private static Signature signature(String keyAlgorithm, String certificate) throws GeneralSecurityException, IOException {
    switch (keyAlgorithm) {
      case "EC":
        return Signature.getInstance("SHA256withECDSA");
      case "RSA":
        return Signature.getInstance("SHA256withRSA");
      case "DSA":
        return Signature.getInstance("SHA256withDSA");
      case "RSASSA-PSS": {
        Signature s = Signature.getInstance("RSASSA-PSS");
        s.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        return s;
      }
      case "EdDSA", "Ed25519", "Ed448":
        return Signature.getInstance(keyAlgorithm);
      default:
        throw new IOException("the key of certificate " + certificate + " is of algorithm " + keyAlgorithm
            + ", which cannot be checked: use an EC, RSA or EdDSA key");
    }
  }
}
