package io.lianbang.vertical.boost;

import io.lianbang.privacy.paillier.ObfuscatorSource;
import io.lianbang.privacy.paillier.PackedEncoding;
import io.lianbang.privacy.paillier.PaillierPublicKey;
import io.lianbang.privacy.paillier.ParallelPaillier;
import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * The packed Paillier form of SecureBoost's gradients and histograms (FATE's "GH packing" and
 * cipher compression, after Cheng et al. 2019, Section 4):
 *
 * <ul>
 *   <li>A row's fixed-point pair (g, h) is one plaintext of two {@link PackedEncoding} slots of w
 *       bits (g in slot 0, h in slot 1, each shifted by the offset B = 2^f so it is non-negative;
 *       w leaves headroom for {@code maxAdditions} = the number of rows): one encryption per row.
 *   <li>A host adds the ciphertexts of a node's rows per bin and accumulates the bins (cumulative
 *       histogram); to the sum of bin b, which holds c_b of the node's m rows, it adds the plaintext
 *       (m − c_b)·(B + B·2^w), so every slot carries exactly m offsets and the guest need not learn
 *       c_b.
 *   <li>It then packs {@code binsPerCiphertext} consecutive bins into one ciphertext by Horner's
 *       rule, C = (…(S_{k−1}·2^{2w} + S_{k−2})·2^{2w} + …) + S_0, computed homomorphically as
 *       C ← C^{2^{2w}}·S_j mod n²: bin j of the group occupies slots 2j (g) and 2j + 1 (h).
 *   <li>The guest decrypts and unpacks with a {@link PackedEncoding} of 2·binsPerCiphertext slots,
 *       subtracting m·B from each slot.
 * </ul>
 *
 * With f = {@link Logistic#FRACTION_BITS} = 40, |g| ≤ 1 and up to 30,000 rows a slot is
 * bitLength(2·2^40·30000) = 56 bits, so a 1024-bit key packs 9 bins (18 slots) per ciphertext and a
 * 2048-bit key 18.
 */
final class GhPacking {
  private final PaillierPublicKey key;
  private final PackedEncoding rowEncoding;
  private final PackedEncoding binEncoding;
  private final int binsPerCiphertext;
  private final BigInteger shift;
  private final BigInteger zeroPair;

  /**
   * @throws IllegalArgumentException if binsPerCiphertext is outside [1, {@link #maxBinsPerCiphertext}]
   */
  GhPacking(PaillierPublicKey key, int maxAdditions, int binsPerCiphertext) {
    this.key = key;
    this.rowEncoding = builder(key, maxAdditions).slots(2).build();
    int max = maxBinsPerCiphertext(key, maxAdditions);
    if (binsPerCiphertext < 1 || binsPerCiphertext > max) {
      throw new IllegalArgumentException("binsPerCiphertext must be in [1, " + max + "] for a " + key.bits() + "-bit key, got " + binsPerCiphertext);
    }
    this.binsPerCiphertext = binsPerCiphertext;
    this.binEncoding = builder(key, maxAdditions).slots(2 * binsPerCiphertext).build();
    int w = rowEncoding.slotBits();
    this.shift = BigInteger.ONE.shiftLeft(2 * w);
    BigInteger b = BigInteger.valueOf(rowEncoding.offset());
    this.zeroPair = b.add(b.shiftLeft(w));
  }

  /** The most bins one ciphertext of {@code key} carries when sums have at most {@code maxAdditions} terms. */
  static int maxBinsPerCiphertext(PaillierPublicKey key, int maxAdditions) {
    return builder(key, maxAdditions).build().slots() / 2;
  }

  private static PackedEncoding.Builder builder(PaillierPublicKey key, int maxAdditions) {
    return PackedEncoding.builder(key).fractionBits(Logistic.FRACTION_BITS).maxAbsValue(1.0).maxAdditions(maxAdditions);
  }

  int binsPerCiphertext() {
    return binsPerCiphertext;
  }

  /** The number of ciphertexts that carry {@code bins} bins. */
  int ciphertextsFor(int bins) {
    return (bins + binsPerCiphertext - 1) / binsPerCiphertext;
  }

  /**
   * Encrypts each row's pair (g, h), given in fixed point, in the calling thread with fresh
   * randomness from {@code random}.
   */
  BigInteger[] encryptRows(long[] g, long[] h, SecureRandom random) {
    try (ParallelPaillier one = ParallelPaillier.withThreads(1)) {
      return encryptRows(g, h, one, ObfuscatorSource.inline(key, random));
    }
  }

  /**
   * Encrypts each row's pair (g, h), given in fixed point: the only place where SecureBoost
   * encrypts. The rows are packed here and encrypted on {@code paillier}'s threads with obfuscators
   * from {@code obfuscators} (an {@link io.lianbang.privacy.paillier.ObfuscatorPool} filled while
   * the guest waited); entry r of the result encrypts row r whatever the thread count.
   *
   * @throws IllegalStateException if the encryptions do not finish within {@code paillier}'s deadline
   */
  BigInteger[] encryptRows(long[] g, long[] h, ParallelPaillier paillier, ObfuscatorSource obfuscators) {
    BigInteger[] plain = new BigInteger[g.length];
    for (int r = 0; r < g.length; r++) {
      plain[r] = rowEncoding.pack(new double[] {Logistic.fromFixed(g[r]), Logistic.fromFixed(h[r])})[0];
    }
    return paillier.encrypt(plain, obfuscators);
  }

  /**
   * Packs the cumulative sums {@code cum[b]} of a node's rows (bin b holding {@code counts[b]} of
   * {@code nodeRows} rows) into {@link #ciphertextsFor}(cum.length) ciphertexts.
   */
  BigInteger[] packBins(BigInteger[] cum, int[] counts, int nodeRows) {
    BigInteger nn = key.nSquared();
    BigInteger[] out = new BigInteger[ciphertextsFor(cum.length)];
    for (int c = 0; c < out.length; c++) {
      int first = c * binsPerCiphertext;
      int last = Math.min(cum.length, first + binsPerCiphertext) - 1;
      BigInteger acc = null;
      for (int b = last; b >= first; b--) {
        BigInteger pad = zeroPair.multiply(BigInteger.valueOf(nodeRows - counts[b]));
        BigInteger s = key.add(cum[b], BigInteger.ONE.add(pad.multiply(key.n())).mod(nn));
        acc = acc == null ? s : key.add(key.multiply(acc, shift), s);
      }
      out[c] = acc;
    }
    return out;
  }

  /**
   * Unpacks decrypted packed histograms of {@code bins} bins of a node of {@code nodeRows} rows:
   * {@code [0][b]} gradient and {@code [1][b]} hessian sums.
   *
   * @throws IllegalArgumentException if a plaintext is not such a sum
   */
  double[][] unpack(BigInteger[] plaintexts, int bins, int nodeRows) {
    double[] v = binEncoding.unpack(plaintexts, 2 * bins, nodeRows);
    double[][] out = new double[2][bins];
    for (int b = 0; b < bins; b++) {
      out[0][b] = v[2 * b];
      out[1][b] = v[2 * b + 1];
    }
    return out;
  }
}
