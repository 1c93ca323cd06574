package io.lianbang.vertical.link;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Writes a message payload in the vertical protocol's byte format (docs/protocol.md, "Vertical
 * payloads"): big-endian; an int32 count before every array and string; doubles as IEEE 754
 * binary64; a BigInteger as an int32 byte length and its two's-complement bytes; strings as UTF-8.
 * {@link PayloadReader} reads it back with bounds.
 */
public final class PayloadWriter {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final DataOutputStream out = new DataOutputStream(bytes);

  /** Appends an int32. */
  public PayloadWriter putInt(int v) {
    try {
      out.writeInt(v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Appends an int64. */
  public PayloadWriter putLong(long v) {
    try {
      out.writeLong(v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Appends a binary64. */
  public PayloadWriter putDouble(double v) {
    return putLong(Double.doubleToRawLongBits(v));
  }

  /** Appends a count and the binary64 values. */
  public PayloadWriter putDoubles(double[] v) {
    putInt(v.length);
    for (double d : v) putDouble(d);
    return this;
  }

  /** Appends a count and the int32 values. */
  public PayloadWriter putInts(int[] v) {
    putInt(v.length);
    for (int i : v) putInt(i);
    return this;
  }

  /** Appends a byte length and the bytes. */
  public PayloadWriter putBytes(byte[] v) {
    putInt(v.length);
    try {
      out.write(v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** Appends a UTF-8 string. */
  public PayloadWriter putString(String s) {
    return putBytes(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Appends a BigInteger (byte length and two's-complement bytes). */
  public PayloadWriter putBigInteger(BigInteger v) {
    return putBytes(v.toByteArray());
  }

  /** Appends a count and the BigIntegers. */
  public PayloadWriter putBigIntegers(BigInteger[] v) {
    putInt(v.length);
    for (BigInteger b : v) putBigInteger(b);
    return this;
  }

  /** The payload written so far. */
  public byte[] toByteArray() {
    return bytes.toByteArray();
  }
}
