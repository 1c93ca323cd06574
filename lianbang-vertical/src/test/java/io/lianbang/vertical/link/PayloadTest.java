package io.lianbang.vertical.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class PayloadTest {
  @Test
  void roundTripsEveryField() {
    BigInteger big = BigInteger.ONE.shiftLeft(2047).add(BigInteger.TEN);
    byte[] p = new PayloadWriter().putInt(-3).putLong(1L << 40).putDouble(-0.5).putDoubles(new double[] {1, 2.5})
        .putInts(new int[] {4, 5}).putString("客户 7").putBigIntegers(new BigInteger[] {big, BigInteger.ZERO}).toByteArray();
    PayloadReader r = new PayloadReader("test", p);
    assertEquals(-3, r.getInt("i"));
    assertEquals(1L << 40, r.getLong("l"));
    assertEquals(-0.5, r.getDouble("d"));
    assertArrayEquals(new double[] {1, 2.5}, r.getDoubles("ds", 2));
    assertArrayEquals(new int[] {4, 5}, r.getInts("is", 2));
    assertEquals("客户 7", r.getString("s", 100));
    assertArrayEquals(new BigInteger[] {big, BigInteger.ZERO}, r.getBigIntegers("b", 2, 2048));
    r.end();
  }

  @Test
  void refusesHostileCountsSizesAndValues() {
    byte[] hugeCount = new PayloadWriter().putInt(Integer.MAX_VALUE).toByteArray();
    LinkException e = assertThrows(LinkException.class, () -> new PayloadReader("lr.gradient/1 from host", hugeCount).getDoubles("gradient", 1 << 20));
    assertTrue(e.getMessage().contains("lr.gradient/1 from host: gradient count must be in [0, 1048576], got 2147483647"), e.getMessage());
    byte[] shortArray = new PayloadWriter().putInt(3).putDouble(1).toByteArray();
    e = assertThrows(LinkException.class, () -> new PayloadReader("m", shortArray).getDoubles("g", 10));
    assertTrue(e.getMessage().contains("g count 3 needs more than the 8 bytes left"), e.getMessage());
    byte[] nan = new PayloadWriter().putDouble(Double.NaN).toByteArray();
    assertTrue(assertThrows(LinkException.class, () -> new PayloadReader("m", nan).getDouble("w")).getMessage().contains("w is NaN"));
    byte[] wide = new PayloadWriter().putBigInteger(BigInteger.ONE.shiftLeft(100)).toByteArray();
    assertTrue(assertThrows(LinkException.class, () -> new PayloadReader("m", wide).getBigInteger("c", 64)).getMessage().contains("c must be in [0, 2^64)"));
    byte[] negative = new PayloadWriter().putBigInteger(BigInteger.valueOf(-5)).toByteArray();
    assertTrue(assertThrows(LinkException.class, () -> new PayloadReader("m", negative).getBigInteger("c", 64)).getMessage().contains("negative"));
    byte[] extra = new PayloadWriter().putInt(1).putInt(2).toByteArray();
    PayloadReader r = new PayloadReader("m", extra);
    r.getInt("a");
    assertTrue(assertThrows(LinkException.class, r::end).getMessage().contains("4 bytes after the last field"));
    byte[] notUtf8 = new PayloadWriter().putBytes(new byte[] {(byte) 0xff}).toByteArray();
    assertTrue(assertThrows(LinkException.class, () -> new PayloadReader("m", notUtf8).getString("id", 10)).getMessage().contains("id is not UTF-8"));
  }
}
