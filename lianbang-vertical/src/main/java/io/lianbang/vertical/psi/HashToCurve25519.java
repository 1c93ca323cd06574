package io.lianbang.vertical.psi;

import static io.lianbang.vertical.psi.Curve25519Field.A;
import static io.lianbang.vertical.psi.Curve25519Field.P;
import static io.lianbang.vertical.psi.Curve25519Field.add;
import static io.lianbang.vertical.psi.Curve25519Field.inv0;
import static io.lianbang.vertical.psi.Curve25519Field.mul;
import static io.lianbang.vertical.psi.Curve25519Field.neg;
import static io.lianbang.vertical.psi.Curve25519Field.sub;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The hash-to-curve suite {@code curve25519_XMD:SHA-512_ELL2_RO_} of RFC 9380 ("Hashing to Elliptic
 * Curves", Faz-Hernandez et al., 2023): {@code expand_message_xmd} with SHA-512 (section 5.3.1),
 * {@code hash_to_field} with L = 48 (section 5.2), Elligator 2 for Curve25519 (section 6.7.1,
 * Bernstein, Hamburg, Krasnova and Lange, "Elligator", CCS 2013), the sum of the two mapped points
 * and cofactor clearing by 8 (section 7). The PSI needs only the u-coordinate of the result, which
 * is what {@link #hashToU} returns; the y-coordinates are kept internally for the point addition.
 *
 * <p>This is the hash FATE 2.x's ECDH PSI uses to put ids on Curve25519. The result lies in the
 * prime-order subgroup (cofactor cleared); X25519's clamped scalars are multiples of 8 as well, so
 * even a point outside that subgroup would be pushed into it by the first blinding.
 *
 * <p>Thread-safe: every call uses its own SHA-512 instance.
 */
public final class HashToCurve25519 {
  /** L: bytes per field element in hash_to_field, ceil((ceil(log2(p)) + k) / 8) with k = 128. */
  static final int L = 48;
  private static final int SHA512_BYTES = 64;
  private static final int SHA512_BLOCK = 128;
  private static final BigInteger TWO = BigInteger.TWO;
  private static final BigInteger THREE = BigInteger.valueOf(3);
  private static final BigInteger FOUR = BigInteger.valueOf(4);

  private final byte[] dstPrime;

  /**
   * A hash with domain separation tag {@code dst} (1 to 255 bytes of UTF-8, RFC 9380 section 3.1).
   *
   * @throws IllegalArgumentException naming {@code dst} if it is empty or longer than 255 bytes
   */
  public HashToCurve25519(String dst) {
    Objects.requireNonNull(dst, "dst");
    byte[] d = dst.getBytes(StandardCharsets.UTF_8);
    if (d.length < 1 || d.length > 255) {
      throw new IllegalArgumentException("dst must have 1 to 255 UTF-8 bytes, got " + d.length);
    }
    dstPrime = new byte[d.length + 1];
    System.arraycopy(d, 0, dstPrime, 0, d.length);
    dstPrime[d.length] = (byte) d.length;
  }

  /** The u-coordinate of hash_to_curve({@code msg}), in [0, p). */
  public BigInteger hashToU(byte[] msg) {
    BigInteger[] u = hashToField(msg, 2);
    BigInteger[] q0 = mapToCurve(u[0]);
    BigInteger[] q1 = mapToCurve(u[1]);
    BigInteger[] r = addPoints(q0, q1);
    if (r == null) throw new IllegalStateException("the two mapped points cancel (probability about 2^-252)");
    BigInteger x = clearCofactorU(r[0]);
    if (x == null) throw new IllegalStateException("hash_to_curve gave the identity (probability about 2^-252)");
    return x;
  }

  /** The u-coordinate of hash_to_curve of the UTF-8 bytes of {@code id}. */
  public BigInteger hashToU(String id) {
    return hashToU(id.getBytes(StandardCharsets.UTF_8));
  }

  /** RFC 9380 hash_to_field: {@code count} elements of GF(p) from {@code msg}. */
  BigInteger[] hashToField(byte[] msg, int count) {
    byte[] uniform = expandMessageXmd(msg, count * L);
    BigInteger[] u = new BigInteger[count];
    for (int i = 0; i < count; i++) {
      byte[] tv = new byte[L];
      System.arraycopy(uniform, i * L, tv, 0, L);
      u[i] = new BigInteger(1, tv).mod(P);
    }
    return u;
  }

  /** RFC 9380 expand_message_xmd with SHA-512: {@code lenInBytes} (at most 255 * 64) uniform bytes. */
  byte[] expandMessageXmd(byte[] msg, int lenInBytes) {
    int ell = (lenInBytes + SHA512_BYTES - 1) / SHA512_BYTES;
    if (ell > 255 || lenInBytes > 65535) throw new IllegalArgumentException("lenInBytes too large: " + lenInBytes);
    MessageDigest h = sha512();
    h.update(new byte[SHA512_BLOCK]);
    h.update(msg);
    h.update(new byte[] {(byte) (lenInBytes >>> 8), (byte) lenInBytes, 0});
    h.update(dstPrime);
    byte[] b0 = h.digest();
    byte[] out = new byte[lenInBytes];
    byte[] prev = new byte[SHA512_BYTES];
    for (int i = 1; i <= ell; i++) {
      byte[] in = new byte[SHA512_BYTES];
      for (int j = 0; j < SHA512_BYTES; j++) in[j] = (byte) (b0[j] ^ prev[j]);
      h.update(i == 1 ? b0 : in);
      h.update((byte) i);
      h.update(dstPrime);
      prev = h.digest();
      System.arraycopy(prev, 0, out, (i - 1) * SHA512_BYTES, Math.min(SHA512_BYTES, lenInBytes - (i - 1) * SHA512_BYTES));
    }
    return out;
  }

  /**
   * RFC 9380 map_to_curve_elligator2 for curve25519 (J = 486662, K = 1, Z = 2): the point (x, y).
   * One exponentiation: with x2 = 2u^2 x1 and g(x2) = 2u^2 g(x1), when g(x1) is not a square the
   * root of g(x2) is u (2 g(x1))^((p+3)/8) = u 2^((p+3)/8) g(x1)^((p+3)/8), up to a factor sqrt(-1).
   */
  static BigInteger[] mapToCurve(BigInteger u) {
    BigInteger x1 = mul(neg(A), inv0(add(BigInteger.ONE, mul(TWO, mul(u, u)))));
    if (x1.signum() == 0) x1 = neg(A);
    BigInteger gx1 = rhs(x1);
    BigInteger c = Curve25519Field.sqrtCandidate(gx1);
    BigInteger y1 = Curve25519Field.fixSqrt(c, gx1);
    if (y1 != null) {
      return new BigInteger[] {x1, Curve25519Field.sgn0(y1) == 1 ? y1 : neg(y1)};
    }
    BigInteger x2 = sub(neg(x1), A);
    BigInteger gx2 = rhs(x2);
    BigInteger y2 = Curve25519Field.fixSqrt(mul(u, mul(Curve25519Field.TWO_TO_SQRT_EXPONENT, c)), gx2);
    if (y2 == null) y2 = Curve25519Field.sqrt(gx2);
    if (y2 == null) throw new IllegalStateException("Elligator 2: neither candidate is on the curve for u = " + u);
    return new BigInteger[] {x2, Curve25519Field.sgn0(y2) == 0 ? y2 : neg(y2)};
  }

  /** x^3 + A x^2 + x. */
  private static BigInteger rhs(BigInteger x) {
    BigInteger x2 = mul(x, x);
    return add(add(mul(x2, x), mul(A, x2)), x);
  }

  /** The affine sum of two points of v^2 = u^3 + A u^2 + u, or null for the identity. */
  static BigInteger[] addPoints(BigInteger[] p, BigInteger[] q) {
    BigInteger lambda;
    if (p[0].equals(q[0])) {
      if (!p[1].equals(q[1]) || p[1].signum() == 0) return null;
      BigInteger x = p[0];
      BigInteger num = add(add(mul(THREE, mul(x, x)), mul(TWO, mul(A, x))), BigInteger.ONE);
      lambda = mul(num, inv0(mul(TWO, p[1])));
    } else {
      lambda = mul(sub(q[1], p[1]), inv0(sub(q[0], p[0])));
    }
    BigInteger x3 = sub(sub(sub(mul(lambda, lambda), A), p[0]), q[0]);
    BigInteger y3 = sub(mul(lambda, sub(p[0], x3)), p[1]);
    return new BigInteger[] {x3, y3};
  }

  /**
   * The u-coordinate of 8 * (point with u-coordinate {@code x}), by three x-only doublings in
   * projective (X : Z) coordinates (RFC 7748's ladder formulas), or null for the identity.
   */
  static BigInteger clearCofactorU(BigInteger x) {
    BigInteger bx = x;
    BigInteger bz = BigInteger.ONE;
    for (int i = 0; i < 3; i++) {
      BigInteger xx = mul(bx, bx);
      BigInteger zz = mul(bz, bz);
      BigInteger xz = mul(bx, bz);
      BigInteger nx = sub(xx, zz);
      nx = mul(nx, nx);
      BigInteger nz = mul(mul(FOUR, xz), add(add(xx, mul(A, xz)), zz));
      bx = nx;
      bz = nz;
    }
    if (bz.signum() == 0) return null;
    return mul(bx, bz.modInverse(P));
  }

  private static MessageDigest sha512() {
    try {
      return MessageDigest.getInstance("SHA-512");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-512", e);
    }
  }
}
