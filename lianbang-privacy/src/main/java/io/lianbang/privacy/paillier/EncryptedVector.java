package io.lianbang.privacy.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * A vector encrypted entry by entry under one Paillier public key, the form in which a client
 * sends its weighted update (w·Δ followed by w) in the Paillier aggregation mode. The server adds
 * such vectors homomorphically ({@link #plus}) without being able to read them; only the key
 * holder ({@link #decrypt}) can read the sum.
 */
public final class EncryptedVector {
  private final PaillierPublicKey key;
  private final List<BigInteger> ciphertexts;

  private EncryptedVector(PaillierPublicKey key, List<BigInteger> ciphertexts) {
    this.key = key;
    this.ciphertexts = List.copyOf(ciphertexts);
  }

  /** Encrypts {@code values} (each fixed-point encoded) under {@code key}. */
  static EncryptedVector encrypt(PaillierPublicKey key, FixedPointEncoding encoding, double[] values, SecureRandom random) {
    List<BigInteger> c = new ArrayList<>(values.length);
    for (double v : values) c.add(key.encrypt(encoding.encode(v), random));
    return new EncryptedVector(key, c);
  }

  /**
   * The entry-wise homomorphic sum.
   *
   * @throws IllegalArgumentException if the keys or lengths differ
   */
  public EncryptedVector plus(EncryptedVector other) {
    if (!other.key.equals(key)) throw new IllegalArgumentException("encrypted vectors under different keys cannot be added");
    if (other.ciphertexts.size() != ciphertexts.size()) {
      throw new IllegalArgumentException("encrypted vectors of lengths " + ciphertexts.size() + " and " + other.ciphertexts.size());
    }
    List<BigInteger> c = new ArrayList<>(ciphertexts.size());
    for (int i = 0; i < ciphertexts.size(); i++) c.add(key.add(ciphertexts.get(i), other.ciphertexts.get(i)));
    return new EncryptedVector(key, c);
  }

  /**
   * A vector from ciphertexts received from elsewhere (a network transport).
   *
   * @throws IllegalArgumentException if a ciphertext is not in (0, n²)
   */
  public static EncryptedVector of(PaillierPublicKey key, List<BigInteger> ciphertexts) {
    for (int i = 0; i < ciphertexts.size(); i++) {
      BigInteger c = ciphertexts.get(i);
      if (c.signum() <= 0 || c.compareTo(key.nSquared()) >= 0) {
        throw new IllegalArgumentException("ciphertext " + i + " is not in (0, n²)");
      }
    }
    return new EncryptedVector(key, ciphertexts);
  }

  /** The public key the entries are encrypted under. */
  public PaillierPublicKey key() {
    return key;
  }

  /** The ciphertexts, in entry order. */
  public List<BigInteger> ciphertexts() {
    return ciphertexts;
  }

  /** The number of entries. */
  public int size() {
    return ciphertexts.size();
  }

  /** Bytes on the wire: each ciphertext is an element of Z_{n²}. */
  public long wireBytes() {
    return (long) ciphertexts.size() * ((2L * key.bits() + 7) / 8);
  }

  /** Decrypts with the key holder's private key. */
  double[] decrypt(PaillierPrivateKey privateKey, FixedPointEncoding encoding) {
    if (!privateKey.publicKey().equals(key)) throw new IllegalArgumentException("private key does not match the vector's public key");
    double[] out = new double[ciphertexts.size()];
    for (int i = 0; i < out.length; i++) out[i] = encoding.decode(privateKey.decrypt(ciphertexts.get(i)));
    return out;
  }
}
