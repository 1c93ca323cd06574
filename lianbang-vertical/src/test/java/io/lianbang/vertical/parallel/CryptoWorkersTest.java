package io.lianbang.vertical.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.privacy.paillier.ObfuscatorPool;
import io.lianbang.privacy.paillier.PaillierKeyPair;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The role threads: every index once, failures and deadlines surface, pools close with the workers. */
class CryptoWorkersTest {
  private static PaillierKeyPair keys;

  @BeforeAll
  static void keys() {
    keys = PaillierKeyPair.generate(1024, new SecureRandom());
  }

  @Test
  void forEachVisitsEveryIndexExactlyOnce() {
    for (int threads : new int[] {1, 3}) {
      try (CryptoWorkers w = CryptoWorkers.start(threads, Duration.ofSeconds(30))) {
        AtomicIntegerArray visits = new AtomicIntegerArray(1000);
        w.forEach("counting", 1000, visits::incrementAndGet);
        for (int i = 0; i < 1000; i++) assertEquals(1, visits.get(i), "index " + i + " with " + threads + " threads");
        w.forEach("nothing", 0, i -> {
          throw new AssertionError("no index");
        });
      }
    }
  }

  @Test
  void anIterationsExceptionReachesTheCaller() {
    IllegalArgumentException thrown = new IllegalArgumentException("bad row 7");
    try (CryptoWorkers w = CryptoWorkers.start(2, Duration.ofSeconds(30))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.forEach("failing", 100, i -> {
        if (i == 7) throw thrown;
      }));
      assertSame(thrown, e);
    }
  }

  @Test
  void aLoopPastTheDeadlineFailsNamingIt() {
    for (int threads : new int[] {1, 2}) {
      try (CryptoWorkers w = CryptoWorkers.start(threads, Duration.ofMillis(100))) {
        long start = System.nanoTime();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.forEach("sleeping", 10_000, i -> sleep(5)));
        assertTrue(e.getMessage().startsWith("sleeping did not finish within PT0.1S"), e.getMessage());
        assertTrue(System.nanoTime() - start < 20_000_000_000L, "returns soon after the deadline, not after 10,000 iterations");
      }
    }
  }

  @Test
  void encryptionsWithThePoolDecryptToTheirPlaintexts() {
    BigInteger[] plain = new BigInteger[50];
    for (int i = 0; i < plain.length; i++) plain[i] = BigInteger.valueOf(1000L * i - 7).mod(keys.publicKey().n());
    ObfuscatorPool pool;
    try (CryptoWorkers w = CryptoWorkers.start(3, Duration.ofSeconds(60))) {
      pool = w.obfuscators(keys.publicKey(), 1 << 20);
      assertEquals(CryptoWorkers.MAX_POOL_CAPACITY, pool.settings().capacity(), "capacity capped");
      assertEquals(3, pool.settings().threads());
      BigInteger[] c = w.paillier().encrypt(plain, pool);
      assertArrayEquals(plain, w.paillier().decrypt(keys.privateKey(), c));
      for (int i = 0; i < c.length; i++) assertEquals(plain[i], keys.privateKey().decrypt(c[i]), "entry " + i);
    }
    assertTrue(pool.isClosed(), "closing the workers stops their pools");
  }

  @Test
  void badSettingsAreRefusedNamingTheValue() {
    assertEquals("threads must be in [1, 64], got 0", assertThrows(IllegalArgumentException.class, () -> CryptoWorkers.start(0, Duration.ofSeconds(1))).getMessage());
    assertEquals("threads must be in [1, 64], got 65", assertThrows(IllegalArgumentException.class, () -> CryptoWorkers.checkThreads(65)).getMessage());
    assertEquals("timeout must be positive, got PT0S", assertThrows(IllegalArgumentException.class, () -> CryptoWorkers.start(2, Duration.ZERO)).getMessage());
    try (CryptoWorkers w = CryptoWorkers.start(1, Duration.ofSeconds(1))) {
      assertEquals("obfuscator pool capacity must be positive, got 0",
          assertThrows(IllegalArgumentException.class, () -> w.obfuscators(keys.publicKey(), 0)).getMessage());
    }
  }

  @Test
  void theDefaultComesFromThePropertyElseTheProcessorsCappedAtEight() {
    assertEquals(2, CryptoWorkers.defaultThreads(null, 2));
    assertEquals(8, CryptoWorkers.defaultThreads(null, 32));
    assertEquals(8, CryptoWorkers.defaultThreads(" ", 12));
    assertEquals(1, CryptoWorkers.defaultThreads(null, 1));
    assertEquals(3, CryptoWorkers.defaultThreads("3", 32));
    assertEquals(64, CryptoWorkers.defaultThreads("64", 2));
    assertEquals("lianbang.vertical.threads must be an integer in [1, 64], got many",
        assertThrows(IllegalArgumentException.class, () -> CryptoWorkers.defaultThreads("many", 2)).getMessage());
    assertEquals("lianbang.vertical.threads must be in [1, 64], got 0",
        assertThrows(IllegalArgumentException.class, () -> CryptoWorkers.defaultThreads("0", 2)).getMessage());
    int d = CryptoWorkers.defaultThreads();
    assertTrue(d >= 1 && d <= CryptoWorkers.MAX_THREADS, "default " + d);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
