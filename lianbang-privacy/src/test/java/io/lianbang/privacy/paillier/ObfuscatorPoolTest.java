package io.lianbang.privacy.paillier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ObfuscatorPoolTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final PaillierKeyPair KEYS = PaillierKeyPair.generate(1024, RANDOM);
  private static final Duration FILL = Duration.ofSeconds(30);

  @Test
  void pooledValuesAreFreshNthResiduesThatEncryptCorrectly() {
    PaillierPublicKey pub = KEYS.publicKey();
    try (ObfuscatorPool pool = ObfuscatorPool.start(pub, new ObfuscatorPool.Settings(8, 2, Duration.ZERO))) {
      assertTrue(pool.awaitAvailable(8, FILL), "8 obfuscators within " + FILL);
      Set<BigInteger> seen = new HashSet<>();
      for (int i = 0; i < 8; i++) {
        BigInteger rn = pool.next();
        assertTrue(seen.add(rn), "obfuscator " + i + " handed out twice");
        // r^n is itself an encryption of 0 (Paillier 1999: E(0; r) = g^0·r^n).
        assertEquals(BigInteger.ZERO, KEYS.privateKey().decrypt(rn));
        BigInteger m = new BigInteger(1000, RANDOM);
        assertEquals(m, KEYS.privateKey().decrypt(pub.encrypt(m, rn)));
      }
      assertEquals(8, pool.takenFromPool());
      assertEquals(0, pool.computedInline());
    }
  }

  @Test
  void takeWaitsForAProducerWithinItsDeadlineInsteadOfComputingInline() {
    var settings = new ObfuscatorPool.Settings(2, 1, Duration.ofSeconds(30));
    try (ObfuscatorPool pool = ObfuscatorPool.start(KEYS.publicKey(), settings)) {
      for (int i = 0; i < 10; i++) assertEquals(BigInteger.ZERO, KEYS.privateKey().decrypt(pool.next()));
      assertEquals(10, pool.takenFromPool());
      assertEquals(0, pool.computedInline());
    }
  }

  @Test
  void anEmptyPoolFallsBackToInlineComputation() {
    // One slot and one producer cannot keep up with a loop taking 20 values without waiting.
    try (ObfuscatorPool pool = ObfuscatorPool.start(KEYS.publicKey(), new ObfuscatorPool.Settings(1, 1, Duration.ZERO))) {
      for (int i = 0; i < 20; i++) {
        BigInteger m = BigInteger.valueOf(i);
        assertEquals(m, KEYS.privateKey().decrypt(pool.encrypt(m)));
      }
      assertTrue(pool.computedInline() >= 1, "inline " + pool.computedInline());
      assertEquals(20, pool.computedInline() + pool.takenFromPool());
    }
  }

  @Test
  void closeStopsThePoolAndRefusesFurtherTakes() {
    ObfuscatorPool pool = ObfuscatorPool.start(KEYS.publicKey(), new ObfuscatorPool.Settings(4, 1, Duration.ZERO));
    assertTrue(pool.awaitAvailable(1, FILL));
    pool.close();
    pool.close(); // idempotent
    assertTrue(pool.isClosed());
    assertEquals(0, pool.available());
    assertThrows(IllegalStateException.class, pool::next);
    assertThrows(IllegalStateException.class, () -> pool.awaitAvailable(1, Duration.ofSeconds(1)));
  }

  @Test
  void awaitAvailableGivesUpAtItsDeadline() {
    // 1024 exponentiations modulo a 2048-bit n² take one producer seconds, not 20 ms.
    try (ObfuscatorPool pool = ObfuscatorPool.start(KEYS.publicKey(), new ObfuscatorPool.Settings(1024, 1, Duration.ZERO))) {
      assertFalse(pool.awaitAvailable(1024, Duration.ofMillis(20)));
      assertTrue(pool.available() < 1024);
      assertTrue(pool.awaitAvailable(0, Duration.ZERO));
      var e = assertThrows(IllegalArgumentException.class, () -> pool.awaitAvailable(1025, Duration.ZERO));
      assertTrue(e.getMessage().contains("1025"), e.getMessage());
    }
  }

  @Test
  void settingsRefuseOutOfRangeValuesNamingThem() {
    var e = assertThrows(IllegalArgumentException.class, () -> new ObfuscatorPool.Settings(0, 1, Duration.ZERO));
    assertTrue(e.getMessage().contains("capacity") && e.getMessage().contains("0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new ObfuscatorPool.Settings(8, 65, Duration.ZERO));
    assertTrue(e.getMessage().contains("threads") && e.getMessage().contains("65"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new ObfuscatorPool.Settings(8, 1, Duration.ofSeconds(-1)));
    assertTrue(e.getMessage().contains("takeTimeout"), e.getMessage());
    assertFalse(ObfuscatorPool.Settings.DEFAULTS.takeTimeout().isNegative());
  }
}
