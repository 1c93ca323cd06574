package io.lianbang.privacy.secagg;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Shamir secret sharing over the prime field GF(p), p the smallest prime above 2<sup>256</sup>, so
 * that any 32-byte secret (a mask seed, an X25519 private key) is one field element.
 *
 * <p>Reference: A. Shamir, "How to Share a Secret", CACM 22(11), 1979. A secret s is the constant
 * term of a random polynomial of degree t − 1; holder x receives f(x); any t shares determine s by
 * Lagrange interpolation at 0, fewer reveal nothing.
 *
 * <p>{@link #reconstructChecked} additionally uses surplus shares: it accepts a secret only if
 * every given share lies on the interpolated polynomial and, when one share is wrong and at least
 * t + 2 are given, identifies and drops it.
 */
public final class Shamir {
  /** The field modulus: the smallest prime greater than 2^256. */
  public static final BigInteger P = BigInteger.ONE.shiftLeft(256).nextProbablePrime();
  /** Bytes of a field element in encodings (33: the modulus has 257 bits). */
  public static final int ELEMENT_BYTES = 33;

  private Shamir() {}

  /** One share: the polynomial's value {@code y} at {@code x} (x &gt;= 1). */
  public record Share(int x, BigInteger y) {
    public Share {
      if (x < 1) throw new IllegalArgumentException("share x must be >= 1, got " + x);
      if (y.signum() < 0 || y.compareTo(P) >= 0) throw new IllegalArgumentException("share value is not a field element");
    }
  }

  /**
   * Splits {@code secret} (at most 32 bytes, big-endian) into shares for holders {@code xs}.
   *
   * @throws IllegalArgumentException if the threshold is not in [1, holders] or xs repeat
   */
  public static List<Share> split(byte[] secret, int threshold, int[] xs, SecureRandom random) {
    if (secret.length > 32) throw new IllegalArgumentException("secret must be at most 32 bytes, got " + secret.length);
    if (threshold < 1 || threshold > xs.length) {
      throw new IllegalArgumentException("threshold must be in [1, " + xs.length + "], got " + threshold);
    }
    Set<Integer> seen = new HashSet<>();
    for (int x : xs) {
      if (!seen.add(x)) throw new IllegalArgumentException("share x values must differ, " + x + " repeats");
    }
    BigInteger[] coef = new BigInteger[threshold];
    coef[0] = new BigInteger(1, secret);
    for (int i = 1; i < threshold; i++) coef[i] = new BigInteger(260, random).mod(P);
    List<Share> out = new ArrayList<>(xs.length);
    for (int x : xs) {
      BigInteger bx = BigInteger.valueOf(x);
      BigInteger y = BigInteger.ZERO;
      for (int i = threshold - 1; i >= 0; i--) y = y.multiply(bx).add(coef[i]).mod(P);
      out.add(new Share(x, y));
    }
    return out;
  }

  /** The secret from exactly the first {@code threshold} of {@code shares} (no checking). */
  public static BigInteger reconstruct(List<Share> shares, int threshold) {
    if (shares.size() < threshold) {
      throw new IllegalArgumentException("need " + threshold + " shares, got " + shares.size());
    }
    return interpolate(shares.subList(0, threshold), BigInteger.ZERO);
  }

  /**
   * The secret if all shares agree, or, if exactly one disagrees and at least t + 2 shares are
   * given, the secret of the others; empty if the shares are inconsistent beyond that.
   *
   * @param badShare receives the x of a share found to be wrong, if any
   */
  public static Optional<BigInteger> reconstructChecked(List<Share> shares, int threshold, List<Integer> badShare) {
    if (shares.size() < threshold) return Optional.empty();
    if (consistent(shares, threshold, -1)) return Optional.of(reconstruct(shares, threshold));
    if (shares.size() < threshold + 2) return Optional.empty();
    for (int skip = 0; skip < shares.size(); skip++) {
      if (consistent(shares, threshold, skip)) {
        badShare.add(shares.get(skip).x());
        List<Share> rest = new ArrayList<>(shares);
        rest.remove(skip);
        return Optional.of(reconstruct(rest, threshold));
      }
    }
    return Optional.empty();
  }

  private static boolean consistent(List<Share> shares, int threshold, int skip) {
    List<Share> base = new ArrayList<>(threshold);
    for (int i = 0; i < shares.size() && base.size() < threshold; i++) {
      if (i != skip) base.add(shares.get(i));
    }
    for (int i = 0; i < shares.size(); i++) {
      if (i == skip || base.contains(shares.get(i))) continue;
      Share s = shares.get(i);
      if (!interpolate(base, BigInteger.valueOf(s.x())).equals(s.y())) return false;
    }
    return true;
  }

  /** The value at {@code at} of the polynomial through {@code points} (Lagrange). */
  static BigInteger interpolate(List<Share> points, BigInteger at) {
    BigInteger result = BigInteger.ZERO;
    for (int i = 0; i < points.size(); i++) {
      BigInteger xi = BigInteger.valueOf(points.get(i).x());
      BigInteger num = BigInteger.ONE;
      BigInteger den = BigInteger.ONE;
      for (int j = 0; j < points.size(); j++) {
        if (i == j) continue;
        BigInteger xj = BigInteger.valueOf(points.get(j).x());
        num = num.multiply(at.subtract(xj)).mod(P);
        den = den.multiply(xi.subtract(xj)).mod(P);
      }
      result = result.add(points.get(i).y().multiply(num).mod(P).multiply(den.modInverse(P))).mod(P);
    }
    return result;
  }

  /** {@code value} as exactly {@code length} big-endian bytes. */
  static byte[] toBytes(BigInteger value, int length) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[length];
    int start = raw.length > length ? raw.length - length : 0;
    System.arraycopy(raw, start, out, length - (raw.length - start), raw.length - start);
    return out;
  }
}
