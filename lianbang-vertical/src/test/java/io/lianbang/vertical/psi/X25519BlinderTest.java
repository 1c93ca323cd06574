package io.lianbang.vertical.psi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Blinding commutes, and small-order inputs are reported. */
class X25519BlinderTest {
  @Test
  void blindingsCommuteOnHashedIds() {
    SecureRandom random = new SecureRandom();
    X25519Blinder.Worker a = new X25519Blinder(random).worker();
    X25519Blinder.Worker b = new X25519Blinder(random).worker();
    HashToCurve25519 h = new HashToCurve25519(PsiSettings.DEFAULT_DOMAIN);
    for (String id : new String[] {"", "1", "\u8054\u90a6"}) {
      BigInteger u = h.hashToU(id);
      byte[] au = new byte[32];
      byte[] bu = new byte[32];
      assertTrue(a.blind(u, au, 0));
      assertTrue(b.blind(u, bu, 0));
      byte[] bau = new byte[32];
      byte[] abu = new byte[32];
      assertTrue(b.blind(Curve25519Field.decode(au, 0), bau, 0));
      assertTrue(a.blind(Curve25519Field.decode(bu, 0), abu, 0));
      assertArrayEquals(bau, abu);
      assertFalse(Arrays.equals(au, bu));
    }
  }

  @Test
  void smallOrderPointsAreReported() {
    X25519Blinder.Worker a = new X25519Blinder(new SecureRandom()).worker();
    byte[] out = new byte[32];
    assertFalse(a.blind(BigInteger.ZERO, out, 0));
    assertFalse(a.blind(BigInteger.ONE, out, 0));
    // an order-8 point of Curve25519 (RFC 7748 implementations' blocklist; Bernstein's list of small-order points)
    assertFalse(a.blind(new BigInteger("00b8495f16056286fdb1329ceb8d09da6ac49ff1fae35616aeb8413b7c7aebe0", 16), out, 0));
  }
}
