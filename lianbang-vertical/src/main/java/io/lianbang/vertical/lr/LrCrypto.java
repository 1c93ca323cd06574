package io.lianbang.vertical.lr;

import io.lianbang.privacy.paillier.ObfuscatorSource;
import io.lianbang.privacy.paillier.PaillierPublicKey;
import io.lianbang.vertical.link.LinkException;
import io.lianbang.vertical.parallel.CryptoWorkers;
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
  /** The fewest rows of a slice that {@link #columnSums} sums on a thread of its own. */
  static final int MIN_SLICE_ROWS = 256;

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

  /**
   * E(round(x_i·2^bits)) for every i, encrypted on the workers' threads with obfuscators from
   * {@code obfuscators} (entry i of the result encrypts x_i).
   *
   * @throws IllegalArgumentException if a value cannot be encoded
   * @throws IllegalStateException if the encryptions miss the workers' deadline
   */
  static BigInteger[] encryptAll(CryptoWorkers workers, ObfuscatorSource obfuscators, double[] x, int bits) {
    BigInteger n = obfuscators.key().n();
    BigInteger[] m = new BigInteger[x.length];
    for (int i = 0; i < x.length; i++) m[i] = encode(x[i], bits).mod(n);
    return workers.paillier().encrypt(m, obfuscators);
  }

  /**
   * Adds to each of {@code sums} (in place) the encryption of a fresh mask uniform in Z_n, the
   * masks drawn from {@code random} and encrypted on the workers' threads.
   *
   * @return the masks, entry j added to {@code sums[j]}
   * @throws IllegalStateException if the encryptions miss the workers' deadline
   */
  static BigInteger[] addMasks(CryptoWorkers workers, ObfuscatorSource obfuscators, BigInteger[] sums, SecureRandom random) {
    PaillierPublicKey key = obfuscators.key();
    BigInteger[] masks = new BigInteger[sums.length];
    for (int j = 0; j < sums.length; j++) masks[j] = mask(key, random);
    BigInteger[] encrypted = workers.paillier().encrypt(masks, obfuscators);
    for (int j = 0; j < sums.length; j++) sums[j] = key.add(sums[j], encrypted[j]);
    return masks;
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
   *
   * <p>The columns (and, when there are fewer columns than threads, slices of at least {@value
   * #MIN_SLICE_ROWS} rows) are summed on the workers' threads; the result is the same for any
   * thread count.
   *
   * @throws IllegalStateException if the sums miss the workers' deadline
   */
  static BigInteger[] columnSums(CryptoWorkers workers, PaillierPublicKey key, BigInteger[] cts, double[][] x, int[] rows, int columns, int bits) {
    BigInteger nsq = key.nSquared();
    int m = rows.length;
    // The inverse ciphertexts of rows with a negative entry, in slices of rows on the threads.
    BigInteger[] inverse = new BigInteger[m];
    int inverseSlices = (m + MIN_SLICE_ROWS - 1) / MIN_SLICE_ROWS;
    workers.forEach("inverting ciphertexts", inverseSlices, s -> {
      for (int i = s * MIN_SLICE_ROWS; i < Math.min(m, (s + 1) * MIN_SLICE_ROWS); i++) {
        for (int j = 0; j < columns; j++) {
          if (x[rows[i]][j] < 0) {
            inverse[i] = cts[i].modInverse(nsq);
            break;
          }
        }
      }
    });
    // One task per (column, slice of rows); more slices than one only when there are fewer
    // columns than threads. A column's sum is the product of its slices' multi-exponentiations,
    // the same number modulo n² however the rows are cut.
    int slices = Math.max(1, Math.min((workers.threads() + columns - 1) / columns, m / MIN_SLICE_ROWS));
    int sliceRows = (m + slices - 1) / slices;
    BigInteger[][] partial = new BigInteger[columns][slices];
    workers.forEach("summing encrypted gradients", Math.multiplyExact(columns, slices), k -> {
      int j = k / slices;
      int from = (k % slices) * sliceRows;
      int to = Math.min(m, from + sliceRows);
      int count = Math.max(0, to - from);
      BigInteger[] exps = new BigInteger[count];
      boolean[] negative = new boolean[count];
      int maxBits = 0;
      for (int i = 0; i < count; i++) {
        BigInteger e = encode(x[rows[from + i]][j], bits);
        negative[i] = e.signum() < 0;
        exps[i] = e.abs();
        maxBits = Math.max(maxBits, exps[i].bitLength());
      }
      partial[j][k % slices] = multiExp(nsq, cts, inverse, from, exps, negative, maxBits);
    });
    BigInteger[] out = new BigInteger[columns];
    for (int j = 0; j < columns; j++) {
      BigInteger acc = partial[j][0];
      for (int c = 1; c < slices; c++) acc = acc.multiply(partial[j][c]).mod(nsq);
      out[j] = acc;
    }
    return out;
  }

  /**
   * Π_i b_{from+i}^{e_i} mod n² over the entries of {@code exps} by the bucket method, b the
   * inverse where {@code negative[i]}.
   */
  private static BigInteger multiExp(BigInteger nsq, BigInteger[] bases, BigInteger[] inverse, int from, BigInteger[] exps, boolean[] negative,
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
        BigInteger base = negative[i] ? inverse[from + i] : bases[from + i];
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
