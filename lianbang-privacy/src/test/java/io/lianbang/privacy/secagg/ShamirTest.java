package io.lianbang.privacy.secagg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ShamirTest {
  private final SecureRandom random = new SecureRandom();

  @Test
  void modulusIsAPrimeAbove2To256() {
    assertTrue(Shamir.P.isProbablePrime(128));
    assertTrue(Shamir.P.bitLength() == 257);
  }

  @Test
  void anyThresholdSubsetReconstructsTheSecret() {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    int[] xs = {1, 2, 3, 4, 5, 6, 7, 9, 12};
    List<Shamir.Share> shares = Shamir.split(secret, 5, xs, random);
    Random shuffle = new Random(7);
    for (int trial = 0; trial < 20; trial++) {
      List<Shamir.Share> s = new ArrayList<>(shares);
      Collections.shuffle(s, shuffle);
      assertEquals(new BigInteger(1, secret), Shamir.reconstruct(s, 5));
    }
  }

  @Test
  void fewerThanThresholdSharesGiveAnotherValue() {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    List<Shamir.Share> shares = Shamir.split(secret, 5, new int[] {1, 2, 3, 4, 5}, random);
    assertNotEquals(new BigInteger(1, secret), Shamir.reconstruct(shares, 4));
  }

  @Test
  void oneWrongShareIsDetectedAndExcludedWithTwoSpare() {
    byte[] secret = new byte[32];
    random.nextBytes(secret);
    List<Shamir.Share> shares = new ArrayList<>(Shamir.split(secret, 4, new int[] {1, 2, 3, 4, 5, 6}, random));
    shares.set(2, new Shamir.Share(3, shares.get(2).y().add(BigInteger.ONE).mod(Shamir.P)));
    List<Integer> bad = new ArrayList<>();
    assertEquals(Optional.of(new BigInteger(1, secret)), Shamir.reconstructChecked(shares, 4, bad));
    assertEquals(List.of(3), bad);
    // With only one spare share the error is detected but cannot be attributed.
    assertEquals(Optional.empty(), Shamir.reconstructChecked(shares.subList(0, 5), 4, new ArrayList<>()));
  }
}
