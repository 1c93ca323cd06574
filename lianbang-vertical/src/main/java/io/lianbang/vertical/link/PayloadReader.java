package io.lianbang.vertical.link;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads a payload written by {@link PayloadWriter}, checking every count against a bound the
 * caller states and against the bytes left, so a peer's payload can never make the reader
 * allocate more than the payload's size. Failures are {@link LinkException}s (REFUSED) naming the
 * message and the field.
 */
public final class PayloadReader {
  private final String what;
  private final ByteBuffer in;

  /** A reader of {@code payload}; {@code what} (e.g. "lr.gradient/3 from host-1") names it in errors. */
  public PayloadReader(String what, byte[] payload) {
    this.what = what;
    this.in = ByteBuffer.wrap(payload);
  }

  /** An int32 named {@code field}. */
  public int getInt(String field) {
    need(field, 4);
    return in.getInt();
  }

  /** An int64 named {@code field}. */
  public long getLong(String field) {
    need(field, 8);
    return in.getLong();
  }

  /** A binary64 named {@code field}; refuses NaN and infinities. */
  public double getDouble(String field) {
    need(field, 8);
    double d = in.getDouble();
    if (!Double.isFinite(d)) throw refused(field + " is " + d + ", not finite");
    return d;
  }

  /** An array of at most {@code max} finite binary64 values named {@code field}. */
  public double[] getDoubles(String field, int max) {
    int n = count(field, max, 8);
    double[] v = new double[n];
    for (int i = 0; i < n; i++) v[i] = getDouble(field + "[" + i + "]");
    return v;
  }

  /** An array of at most {@code max} int32 values named {@code field}. */
  public int[] getInts(String field, int max) {
    int n = count(field, max, 4);
    int[] v = new int[n];
    for (int i = 0; i < n; i++) v[i] = in.getInt();
    return v;
  }

  /** At most {@code max} bytes named {@code field}. */
  public byte[] getBytes(String field, int max) {
    int n = count(field, max, 1);
    byte[] v = new byte[n];
    in.get(v);
    return v;
  }

  /** A UTF-8 string of at most {@code maxBytes} bytes named {@code field}. */
  public String getString(String field, int maxBytes) {
    byte[] b = getBytes(field, maxBytes);
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
    } catch (CharacterCodingException e) {
      throw refused(field + " is not UTF-8");
    }
  }

  /** A non-negative BigInteger of at most {@code maxBits} bits named {@code field}. */
  public BigInteger getBigInteger(String field, int maxBits) {
    int length = getInt(field + " length");
    if (length < 1 || length > maxBits / 8 + 1) {
      throw refused(field + " must be in [0, 2^" + maxBits + "), got " + length + " bytes");
    }
    need(field, length);
    byte[] b = new byte[length];
    in.get(b);
    BigInteger v = new BigInteger(b);
    if (v.signum() < 0 || v.bitLength() > maxBits) {
      throw refused(field + " must be in [0, 2^" + maxBits + "), got " + (v.signum() < 0 ? "a negative number" : v.bitLength() + " bits"));
    }
    return v;
  }

  /** An array of at most {@code max} BigIntegers of at most {@code maxBits} bits each. */
  public BigInteger[] getBigIntegers(String field, int max, int maxBits) {
    int n = count(field, max, 5);
    BigInteger[] v = new BigInteger[n];
    for (int i = 0; i < n; i++) v[i] = getBigInteger(field + "[" + i + "]", maxBits);
    return v;
  }

  /**
   * Checks that the payload was read to its end.
   *
   * @throws LinkException if bytes are left over
   */
  public void end() {
    if (in.hasRemaining()) throw refused(in.remaining() + " bytes after the last field");
  }

  private int count(String field, int max, int minBytesEach) {
    int n = getInt(field + " count");
    if (n < 0 || n > max) throw refused(field + " count must be in [0, " + max + "], got " + n);
    if ((long) n * minBytesEach > in.remaining()) {
      throw refused(field + " count " + n + " needs more than the " + in.remaining() + " bytes left");
    }
    return n;
  }

  private void need(String field, int bytes) {
    if (in.remaining() < bytes) throw refused(field + " needs " + bytes + " bytes, " + in.remaining() + " left");
  }

  private LinkException refused(String why) {
    return new LinkException(LinkException.Reason.REFUSED, what + ": " + why);
  }
}
