package io.lianbang.privacy.secagg;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HKDF with HMAC-SHA256: H. Krawczyk, P. Eronen, "HMAC-based Extract-and-Expand Key Derivation
 * Function (HKDF)", RFC 5869 (2010). Derives the share-encryption keys and the pairwise mask seeds
 * from X25519 shared secrets.
 */
final class Hkdf {
  private static final int HASH_LEN = 32;

  private Hkdf() {}

  /** HKDF-Extract: PRK = HMAC-SHA256(salt, ikm); an empty salt means 32 zero bytes. */
  public static byte[] extract(byte[] salt, byte[] ikm) {
    return hmac(salt == null || salt.length == 0 ? new byte[HASH_LEN] : salt, ikm);
  }

  /**
   * HKDF-Expand: the first {@code length} bytes of T(1) ‖ T(2) ‖ ..., T(i) = HMAC(PRK, T(i−1) ‖
   * info ‖ i).
   *
   * @throws IllegalArgumentException if {@code length} is not in [0, 255·32]
   */
  public static byte[] expand(byte[] prk, byte[] info, int length) {
    if (length < 0 || length > 255 * HASH_LEN) {
      throw new IllegalArgumentException("HKDF output length must be in [0, " + 255 * HASH_LEN + "], got " + length);
    }
    byte[] out = new byte[length];
    byte[] t = new byte[0];
    int done = 0;
    for (int i = 1; done < length; i++) {
      byte[] input = new byte[t.length + info.length + 1];
      System.arraycopy(t, 0, input, 0, t.length);
      System.arraycopy(info, 0, input, t.length, info.length);
      input[input.length - 1] = (byte) i;
      t = hmac(prk, input);
      int n = Math.min(t.length, length - done);
      System.arraycopy(t, 0, out, done, n);
      done += n;
    }
    return out;
  }

  /** Extract then expand. */
  public static byte[] derive(byte[] salt, byte[] ikm, byte[] info, int length) {
    byte[] prk = extract(salt, ikm);
    try {
      return expand(prk, info, length);
    } finally {
      Arrays.fill(prk, (byte) 0);
    }
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable in this JDK", e);
    }
  }
}
