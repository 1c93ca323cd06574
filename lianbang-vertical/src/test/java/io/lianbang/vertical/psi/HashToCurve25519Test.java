package io.lianbang.vertical.psi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** RFC 9380, appendix J.4.1: the test vectors of curve25519_XMD:SHA-512_ELL2_RO_. */
class HashToCurve25519Test {
  private static final HashToCurve25519 H = new HashToCurve25519("QUUX-V01-CS02-with-curve25519_XMD:SHA-512_ELL2_RO_");

  private static BigInteger hex(String h) {
    return new BigInteger(h, 16);
  }

  @Test
  void emptyMessageMatchesEveryIntermediateValueOfTheRfc() {
    byte[] msg = new byte[0];
    BigInteger[] u = H.hashToField(msg, 2);
    assertEquals(hex("005fe8a7b8fef0a16c105e6cadf5a6740b3365e18692a9c05bfbb4d97f645a6a"), u[0]);
    assertEquals(hex("1347edbec6a2b5d8c02e058819819bee177077c9d10a4ce165aab0fd0252261a"), u[1]);
    BigInteger[] q0 = HashToCurve25519.mapToCurve(u[0]);
    BigInteger[] q1 = HashToCurve25519.mapToCurve(u[1]);
    assertEquals(hex("36b4df0c864c64707cbf6cf36e9ee2c09a6cb93b28313c169be29561bb904f98"), q0[0]);
    assertEquals(hex("6cd59d664fb58c66c892883cd0eb792e52055284dac3907dd756b45d15c3983d"), q0[1]);
    assertEquals(hex("3fa114783a505c0b2b2fbeef0102853c0b494e7757f2a089d0daae7ed9a0db2b"), q1[0]);
    assertEquals(hex("76c0fe7fec932aaafb8eefb42d9cbb32eb931158f469ff3050af15cfdbbeff94"), q1[1]);
    assertEquals(hex("2de3780abb67e861289f5749d16d3e217ffa722192d16bbd9d1bfb9d112b98c0"), H.hashToU(msg));
  }

  @Test
  void otherMessagesGiveTheRfcUCoordinates() {
    assertEquals(hex("2b4419f1f2d48f5872de692b0aca72cc7b0a60915dd70bde432e826b6abc526d"), H.hashToU("abc"));
    assertEquals(hex("68ca1ea5a6acf4e9956daa101709b1eee6c1bb0df1de3b90d4602382a104c036"), H.hashToU("abcdef0123456789"));
    assertEquals(hex("096e9c8bae6c06b554c1ee69383bb0e82267e064236b3a30608d4ed20b73ac5a"), H.hashToU("q128_" + "q".repeat(128)));
  }

  @Test
  void resultsLieOnTheCurveNotOnItsTwist() {
    BigInteger p = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    for (String id : new String[] {"", "id-1", "id-2", "\u8054\u90a6", "x".repeat(1000)}) {
      BigInteger x = H.hashToU(id);
      BigInteger rhs = x.pow(3).add(BigInteger.valueOf(486662).multiply(x.pow(2))).add(x).mod(p);
      // Euler's criterion: rhs is a square (the point is on the curve) iff rhs^((p-1)/2) is 0 or 1.
      BigInteger euler = rhs.modPow(p.subtract(BigInteger.ONE).shiftRight(1), p);
      assertEquals(true, euler.equals(BigInteger.ONE) || euler.signum() == 0, "u of " + id.length() + "-char id on the curve");
    }
    assertNotEquals(H.hashToU("id-1"), H.hashToU("id-2"));
    assertEquals(H.hashToU("id-1"), H.hashToU("id-1".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void elligatorMatchesAPlainReferenceOnRandomInputs() {
    // the map's definition (RFC 9380, section 6.7.1) with Euler's criterion and a plain square root
    BigInteger p = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    BigInteger a = BigInteger.valueOf(486662);
    java.util.Random random = new java.util.Random(9);
    int[] branches = new int[2];
    for (int i = 0; i < 200; i++) {
      BigInteger u = new BigInteger(255, random).mod(p);
      BigInteger x1 = a.negate().multiply(BigInteger.ONE.add(BigInteger.TWO.multiply(u).multiply(u)).modInverse(p)).mod(p);
      BigInteger g1 = x1.pow(3).add(a.multiply(x1.pow(2))).add(x1).mod(p);
      boolean square = g1.modPow(p.subtract(BigInteger.ONE).shiftRight(1), p).compareTo(BigInteger.ONE) <= 0;
      BigInteger x = square ? x1 : x1.negate().subtract(a).mod(p);
      BigInteger g = x.pow(3).add(a.multiply(x.pow(2))).add(x).mod(p);
      BigInteger[] point = HashToCurve25519.mapToCurve(u);
      assertEquals(x, point[0]);
      assertEquals(g, point[1].multiply(point[1]).mod(p));
      assertEquals(square ? 1 : 0, point[1].testBit(0) ? 1 : 0, "sgn0(y)");
      branches[square ? 1 : 0]++;
    }
    assertTrue(branches[0] > 50 && branches[1] > 50, "both branches: " + branches[0] + ", " + branches[1]);
  }

  @Test
  void domainSeparationTagIsValidated() {
    assertThrows(IllegalArgumentException.class, () -> new HashToCurve25519(""));
    assertThrows(IllegalArgumentException.class, () -> new HashToCurve25519("x".repeat(256)));
    assertNotEquals(new HashToCurve25519("A").hashToU("id"), new HashToCurve25519("B").hashToU("id"));
  }
}
