package io.lianbang.privacy.secagg;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticated encryption of the Shamir shares one client sends another through the server:
 * AES-256-GCM (NIST SP 800-38D) under a key derived by HKDF from the two clients' X25519 shared
 * secret. The associated data binds the ciphertext to the protocol version, the round, the sender
 * and the receiver, so a share cannot be replayed to another client or round; any change to the
 * ciphertext fails authentication.
 *
 * <p>Ciphertext layout: 12-byte random nonce ‖ AES-GCM ciphertext with its 16-byte tag.
 */
final class ShareCipher {
  private static final byte[] INFO = "lianbang secagg v1 share key".getBytes(StandardCharsets.US_ASCII);
  private static final int NONCE = 12;
  private static final int TAG_BITS = 128;

  private final byte[] key;

  /** The cipher for the pair whose X25519 shared secret is {@code sharedSecret}. */
  public ShareCipher(byte[] sharedSecret) {
    this.key = Hkdf.derive(null, sharedSecret, INFO, 32);
  }

  /** Encrypts {@code plaintext} from {@code from} to {@code to} in {@code round}. */
  public byte[] encrypt(byte[] plaintext, int round, int from, int to, SecureRandom random) {
    byte[] nonce = new byte[NONCE];
    random.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad(round, from, to));
      byte[] ct = c.doFinal(plaintext);
      byte[] out = Arrays.copyOf(nonce, NONCE + ct.length);
      System.arraycopy(ct, 0, out, NONCE, ct.length);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM is unavailable in this JDK", e);
    }
  }

  /**
   * Decrypts and authenticates.
   *
   * @throws SecAggException if the ciphertext was altered or is not for this sender, receiver
   *     and round
   */
  public byte[] decrypt(byte[] ciphertext, int round, int from, int to) {
    if (ciphertext.length < NONCE + TAG_BITS / 8) {
      throw new SecAggException(SecAggException.Kind.AUTHENTICATION, "share ciphertext is too short (" + ciphertext.length + " bytes)");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, ciphertext, 0, NONCE));
      c.updateAAD(aad(round, from, to));
      return c.doFinal(ciphertext, NONCE, ciphertext.length - NONCE);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new SecAggException(SecAggException.Kind.AUTHENTICATION, "share ciphertext failed AES-GCM authentication (altered in transit, or not from this sender)");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/GCM is unavailable in this JDK", e);
    }
  }

  /** Bytes a ciphertext adds to its plaintext. */
  public static int overhead() {
    return NONCE + TAG_BITS / 8;
  }

  private static byte[] aad(int round, int from, int to) {
    return ByteBuffer.allocate(INFO.length + 12).put(INFO).putInt(round).putInt(from).putInt(to).array();
  }
}
