package io.lianbang.privacy.paillier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

class PaillierParallelTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final PaillierKeyPair KEYS = PaillierKeyPair.generate(1024, RANDOM);

  @Test
  void encryptionWithASuppliedObfuscatorIsTheTextbookFormula() {
    // p = 17, q = 19, n = 323, g = 324, r = 5: c = g^m · r^n mod n² computed with modPow, not the
    // 1 + m·n shortcut.
    PaillierPublicKey pub = new PaillierPublicKey(BigInteger.valueOf(323));
    PaillierPrivateKey priv = new PaillierPrivateKey(pub, BigInteger.valueOf(17), BigInteger.valueOf(19));
    BigInteger n2 = BigInteger.valueOf(323 * 323);
    BigInteger rn = BigInteger.valueOf(5).modPow(BigInteger.valueOf(323), n2);
    for (int m : new int[] {0, 1, 2, 100, 322}) {
      BigInteger expected = BigInteger.valueOf(324).modPow(BigInteger.valueOf(m), n2).multiply(rn).mod(n2);
      assertEquals(expected, pub.encrypt(BigInteger.valueOf(m), rn), "m = " + m);
      assertEquals(BigInteger.valueOf(m), priv.decrypt(pub.encrypt(BigInteger.valueOf(m), rn)));
    }
    assertThrows(IllegalArgumentException.class, () -> pub.encrypt(BigInteger.ONE, BigInteger.ZERO));
    assertThrows(IllegalArgumentException.class, () -> pub.encrypt(BigInteger.ONE, n2));
    assertThrows(IllegalArgumentException.class, () -> pub.encrypt(BigInteger.valueOf(323), rn));
  }

  @Test
  void freshObfuscatorsAreEncryptionsOfZeroAndDiffer() {
    BigInteger a = KEYS.publicKey().obfuscator(RANDOM);
    BigInteger b = KEYS.publicKey().obfuscator(RANDOM);
    assertNotEquals(a, b);
    assertEquals(BigInteger.ZERO, KEYS.privateKey().decrypt(a));
    assertEquals(BigInteger.ZERO, KEYS.privateKey().decrypt(b));
  }

  @Test
  void parallelEncryptionAndDecryptionEqualSequentialInOrder() {
    PaillierPublicKey pub = KEYS.publicKey();
    BigInteger[] m = new BigInteger[37];
    for (int i = 0; i < m.length; i++) m[i] = new BigInteger(1 + RANDOM.nextInt(1020), RANDOM);
    ObfuscatorSource inline = ObfuscatorSource.inline(pub, RANDOM);
    try (ParallelPaillier three = ParallelPaillier.withThreads(3, Duration.ofMinutes(1));
        ObfuscatorPool pool = ObfuscatorPool.start(pub, new ObfuscatorPool.Settings(16, 1, Duration.ZERO))) {
      BigInteger[] c = three.encrypt(m, inline);
      BigInteger[] cPool = three.encrypt(m, pool);
      BigInteger[] sequential = new BigInteger[m.length];
      for (int i = 0; i < m.length; i++) sequential[i] = KEYS.privateKey().decrypt(c[i]);
      assertArrayEquals(m, sequential);
      assertArrayEquals(m, three.decrypt(KEYS.privateKey(), c));
      assertArrayEquals(m, three.decrypt(KEYS.privateKey(), cPool));
      assertEquals(m.length, pool.takenFromPool() + pool.computedInline());
      for (int i = 0; i < m.length; i++) assertNotEquals(c[i], cPool[i], "entry " + i + " is randomised");
    }
    // The same over a caller's ForkJoinPool, and on the calling thread alone.
    ForkJoinPool fj = new ForkJoinPool(2);
    try (ParallelPaillier over = ParallelPaillier.over(fj, 2, Duration.ofMinutes(1)); ParallelPaillier one = ParallelPaillier.withThreads(1)) {
      assertArrayEquals(m, over.decrypt(KEYS.privateKey(), over.encrypt(m, inline)));
      assertArrayEquals(m, one.decrypt(KEYS.privateKey(), one.encrypt(m, inline)));
    } finally {
      assertTrue(!fj.isShutdown(), "the caller's executor stays open");
      fj.shutdownNow();
    }
  }

  @Test
  void packedVectorsRoundTripThroughParallelEncryption() {
    PaillierPublicKey pub = KEYS.publicKey();
    PackedEncoding enc = PackedEncoding.builder(pub).fractionBits(30).maxAbsValue(4).maxAdditions(1).build();
    double[] v = new double[2 * enc.slots() + 1];
    for (int i = 0; i < v.length; i++) v[i] = (RANDOM.nextDouble() * 2 - 1) * 4;
    try (ParallelPaillier two = ParallelPaillier.withThreads(2)) {
      BigInteger[] c = two.encryptPacked(enc, v, ObfuscatorSource.inline(pub, RANDOM));
      assertEquals(3, c.length);
      double[] out = two.decryptPacked(KEYS.privateKey(), enc, c, v.length, 1);
      for (int i = 0; i < v.length; i++) assertEquals(Math.scalb(Math.rint(Math.scalb(v[i], 30)), -30), out[i], 0.0, "entry " + i);
    }
  }

  @Test
  void aPassedDeadlineFailsTheCallNamingTheCount() {
    BigInteger[] m = new BigInteger[200];
    java.util.Arrays.fill(m, BigInteger.TEN);
    ObfuscatorSource inline = ObfuscatorSource.inline(KEYS.publicKey(), RANDOM);
    for (int threads : new int[] {1, 2}) {
      try (ParallelPaillier p = ParallelPaillier.withThreads(threads, Duration.ofNanos(1))) {
        var e = assertThrows(IllegalStateException.class, () -> p.encrypt(m, inline));
        assertTrue(e.getMessage().contains("encrypting 200 values did not finish"), e.getMessage());
      }
    }
  }

  @Test
  void badInputIsRefusedNamingTheIndexOrParameter() {
    ObfuscatorSource inline = ObfuscatorSource.inline(KEYS.publicKey(), RANDOM);
    try (ParallelPaillier p = ParallelPaillier.withThreads(2)) {
      var e = assertThrows(IllegalArgumentException.class, () -> p.encrypt(new BigInteger[] {BigInteger.ONE, KEYS.publicKey().n()}, inline));
      assertTrue(e.getMessage().contains("plaintext 1"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> p.decrypt(KEYS.privateKey(), new BigInteger[] {BigInteger.ONE, BigInteger.ZERO}));
      assertTrue(e.getMessage().contains("ciphertext 1"), e.getMessage());
    }
    var e = assertThrows(IllegalArgumentException.class, () -> ParallelPaillier.withThreads(0));
    assertTrue(e.getMessage().contains("threads") && e.getMessage().contains("0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ParallelPaillier.withThreads(2, Duration.ZERO));
    assertTrue(e.getMessage().contains("timeout"), e.getMessage());
  }
}
