package io.lianbang.vertical.lr;

import io.lianbang.privacy.paillier.PaillierPublicKey;
import io.lianbang.vertical.link.LinkException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.security.SecureRandom;

/**
 * The arithmetic of the protocol on Paillier ciphertexts (P. Paillier, EUROCRYPT 1999) under the
 * arbiter's key.
 *
 * <p>Fixed point. A real x is the integer round(x·2^f) (ties to even) taken modulo n, negative
 * values in the upper half of Z_n; f = {@link HeteroLrParams#fractionBits()}. The product of an
 * encrypted value (scale 2^f) and a plaintext encoding (scale 2^f) has scale 2^(2f), and so have the
 * gradient sums and the loss. {@code FixedPointEncoding} of lianbang-privacy is not used because it
 * is internal to its package and caps f at 60, while products need 2f bits.
 *
 * <p>No wrap. A decrypted sum S is read as the signed residue in (−n/2, n/2], so it is exact when
 * |S| &lt; n/2, which Σ_i |d_i|·|x_ij| &lt; 2^(bits(n) − 2 − 2f) guarantees (n ≥ 2^(bits(n) − 1)).
 * For 1024-bit keys and f = 40 that bound is 2^942: it never binds for finite doubles below
 * 2^400 in magnitude, which {@link #encode} enforces.
 *
 * <p>Masks. A mask is uniform in Z_n, so a masked value (S + r) mod n is uniform in Z_n and tells
 * the arbiter nothing; unmasking is (v − r) mod n, exact whatever the sum, since everything is
 * modulo n.
 */
final class LrCrypto {
  /** |x| must stay below 2^400 so that sums of products never wrap modulo n (see the class javadoc). */
  static final double MAX_ABS = 0x1p400;

  private LrCrypto() {}

  /** round(x·2^bits), signed. */
  static BigInteger encode(double x, int bits) {
    if (!Double.isFinite(x) || Math.abs(x) >= MAX_ABS) throw new IllegalArgumentException("cannot encode " + x + ": not finite or |x| >= 2^400");
    return new BigDecimal(x).multiply(new BigDecimal(BigInteger.ONE.shiftLeft(bits))).setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
  }

  /** The value of a signed integer at scale 2^bits, correctly rounded to a double. */
  static double decode(BigInteger signed, int bits) {
    return new BigDecimal(signed).divide(new BigDecimal(BigInteger.ONE.shiftLeft(bits))).doubleValue();
  }

  /** The residue m of Z_n read as a signed integer in (−n/2, n/2]. */
  static BigInteger signed(BigInteger m, BigInteger n) {
    return m.compareTo(n.shiftRight(1)) > 0 ? m.subtract(n) : m;
  }

  /** E(round(x·2^bits)) with fresh randomness. */
  static BigInteger encrypt(PaillierPublicKey key, double x, int bits, SecureRandom random) {
    return key.encrypt(encode(x, bits).mod(key.n()), random);
  }

  /** A mask uniform in Z_n. */
  static BigInteger mask(PaillierPublicKey key, SecureRandom random) {
    BigInteger r;
    do {
      r = new BigInteger(key.bits(), random);
    } while (r.compareTo(key.n()) >= 0);
    return r;
  }

  /**
   * Checks ciphertexts a peer sent: each must be a unit of Z_{n²}, i.e. in (0, n²) and coprime to n.
   *
   * @throws LinkException (REFUSED) naming {@code what}, the field and the index
   */
  static void checkCiphertexts(String what, String field, BigInteger[] c, PaillierPublicKey key) {
    for (int i = 0; i < c.length; i++) {
      if (c[i].signum() <= 0 || c[i].compareTo(key.nSquared()) >= 0) {
        throw new LinkException(LinkException.Reason.REFUSED, what + ": " + field + "[" + i + "] is not a ciphertext: outside (0, n²)");
      }
      if (!c[i].gcd(key.n()).equals(BigInteger.ONE)) {
        throw new LinkException(LinkException.Reason.REFUSED, what + ": " + field + "[" + i + "] is not a ciphertext: shares a factor with n");
      }
    }
  }

  /**
   * Checks decrypted masked values a peer sent: each must be a residue in [0, n).
   *
   * @throws LinkException (REFUSED) naming {@code what}, the field and the index
   */
  static void checkResidues(String what, String field, BigInteger[] v, PaillierPublicKey key) {
    for (int i = 0; i < v.length; i++) {
      if (v[i].signum() < 0 || v[i].compareTo(key.n()) >= 0) {
        throw new LinkException(LinkException.Reason.REFUSED, what + ": " + field + "[" + i + "] is not in [0, n)");
      }
    }
  }

  /**
   * E(Σ_i a_i·round(x[rows[i]][j]·2^bits)) for every column j, from E(a_i) = {@code cts[i]}: the
   * encrypted gradient sums, at scale 2^(f + bits) when the a_i have scale 2^f.
   *
   * <p>Computed per column as one multi-exponentiation Π_i E(a_i)^{e_ij} by the bucket method
   * (Pippenger 1980; e.g. Bernstein, "Pippenger's exponentiation algorithm", 2002): for each window
   * of c bits, the bases are dropped into 2^c − 1 buckets by their digit and the buckets combined
   * by running products, so a column costs about (bits(e)/c)·(rows + 2^(c+1)) multiplications
   * modulo n² instead of one modular exponentiation per entry. Negative exponents use the inverse
   * ciphertext.
   */
  static BigInteger[] columnSums(PaillierPublicKey key, BigInteger[] cts, double[][] x, int[] rows, int columns, int bits) {
    BigInteger nsq = key.nSquared();
    int m = rows.length;
    BigInteger[] inverse = new BigInteger[m];
    BigInteger[] out = new BigInteger[columns];
    BigInteger[] exps = new BigInteger[m];
    boolean[] negative = new boolean[m];
    for (int j = 0; j < columns; j++) {
      int maxBits = 0;
      for (int i = 0; i < m; i++) {
        BigInteger e = encode(x[rows[i]][j], bits);
        negative[i] = e.signum() < 0;
        exps[i] = e.abs();
        maxBits = Math.max(maxBits, exps[i].bitLength());
        if (negative[i] && inverse[i] == null) inverse[i] = cts[i].modInverse(nsq);
      }
      out[j] = multiExp(nsq, cts, inverse, exps, negative, maxBits);
    }
    return out;
  }

  /** Π_i b_i^{e_i} mod n² by the bucket method, b_i the inverse where {@code negative[i]}. */
  private static BigInteger multiExp(BigInteger nsq, BigInteger[] bases, BigInteger[] inverse, BigInteger[] exps, boolean[] negative,
      int maxBits) {
    if (maxBits == 0) return BigInteger.ONE;
    int c = exps.length >= 256 ? 6 : exps.length >= 32 ? 4 : 2;
    int windows = (maxBits + c - 1) / c;
    BigInteger acc = BigInteger.ONE;
    BigInteger[] buckets = new BigInteger[1 << c];
    for (int w = windows - 1; w >= 0; w--) {
      if (!acc.equals(BigInteger.ONE)) {
        for (int s = 0; s < c; s++) acc = acc.multiply(acc).mod(nsq);
      }
      java.util.Arrays.fill(buckets, null);
      for (int i = 0; i < exps.length; i++) {
        int digit = 0;
        for (int b = c - 1; b >= 0; b--) digit = (digit << 1) | (exps[i].testBit(w * c + b) ? 1 : 0);
        if (digit == 0) continue;
        BigInteger base = negative[i] ? inverse[i] : bases[i];
        buckets[digit] = buckets[digit] == null ? base : buckets[digit].multiply(base).mod(nsq);
      }
      BigInteger running = null;
      BigInteger total = null;
      for (int k = buckets.length - 1; k >= 1; k--) {
        if (buckets[k] != null) running = running == null ? buckets[k] : running.multiply(buckets[k]).mod(nsq);
        if (running != null) total = total == null ? running : total.multiply(running).mod(nsq);
      }
      if (total != null) acc = acc.multiply(total).mod(nsq);
    }
    return acc;
  }
}
