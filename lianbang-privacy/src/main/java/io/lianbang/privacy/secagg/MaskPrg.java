package io.lianbang.privacy.secagg;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The pseudorandom generator that expands a 256-bit seed into a mask vector: the AES-256-CTR
 * keystream (zero IV) read as little-endian 64-bit words, each reduced to its low
 * {@code modulusBits} bits, so every residue is uniform modulo 2<sup>modulusBits</sup>. A mask is
 * as unpredictable as AES-256 under a secret key (Bonawitz et al. CCS 2017, Section 4: masks from
 * a PRG on a shared seed).
 */
final class MaskPrg {
  private static final int CHUNK = 8192;

  private MaskPrg() {}

  /**
   * Adds {@code sign ×} the mask from {@code seed} to {@code target}, modulo 2^modulusBits.
   *
   * @param seed exactly 32 bytes
   * @param sign +1 or −1
   */
  public static void addMask(long[] target, byte[] seed, int sign, int modulusBits) {
    if (seed.length != 32) throw new IllegalArgumentException("mask seed must be 32 bytes, got " + seed.length);
    long modMask = modulusBits == 64 ? -1L : (1L << modulusBits) - 1;
    Cipher ctr;
    try {
      ctr = Cipher.getInstance("AES/CTR/NoPadding");
      ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"), new IvParameterSpec(new byte[16]));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR is unavailable in this JDK", e);
    }
    byte[] zeros = new byte[CHUNK];
    byte[] stream = new byte[CHUNK];
    int i = 0;
    while (i < target.length) {
      int words = Math.min(CHUNK / 8, target.length - i);
      int n;
      try {
        n = ctr.update(zeros, 0, words * 8, stream, 0);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
      if (n != words * 8) throw new IllegalStateException("AES/CTR returned " + n + " bytes, expected " + words * 8);
      for (int w = 0; w < words; w++) {
        long r = 0;
        for (int b = 7; b >= 0; b--) r = (r << 8) | (stream[w * 8 + b] & 0xff);
        target[i + w] = (sign > 0 ? target[i + w] + r : target[i + w] - r) & modMask;
      }
      i += words;
    }
  }
}
