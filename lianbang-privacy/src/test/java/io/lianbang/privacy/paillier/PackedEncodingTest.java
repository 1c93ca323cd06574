package io.lianbang.privacy.paillier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PackedEncodingTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final PaillierKeyPair KEYS = PaillierKeyPair.generate(1024, RANDOM);

  /** A 2048-bit odd modulus: packing depends only on the size of n, not on its factors. */
  private static final PaillierPublicKey KEY_2048 = new PaillierPublicKey(BigInteger.ONE.shiftLeft(2047).add(BigInteger.ONE));

  @Test
  void layoutIsOffsetShiftedSlotsFromTheLeastSignificantBits() {
    // f = 2, bound 3: B = 12, M = 5 additions, slot width bitLength(5·24 = 120) = 7 bits.
    PackedEncoding enc = PackedEncoding.builder(KEYS.publicKey()).fractionBits(2).maxAbsValue(3).maxAdditions(5).slots(3).build();
    assertEquals(12, enc.offset());
    assertEquals(7, enc.slotBits());
    // 1.25 → 5 + 12 = 17 in slot 0, −0.5 → −2 + 12 = 10 in slot 1, −3 → 0 in slot 2.
    BigInteger[] p = enc.pack(new double[] {1.25, -0.5, -3, 3});
    assertEquals(2, p.length);
    assertEquals(BigInteger.valueOf(17 + (10 << 7) + (0 << 14)), p[0]);
    // 3 → 24, the unused slots hold 0 → B = 12.
    assertEquals(BigInteger.valueOf(24 + (12 << 7) + (12 << 14)), p[1]);
    assertArrayEquals(new double[] {1.25, -0.5, -3, 3}, enc.unpack(p, 4, 1));
  }

  @Test
  void slotCountFollowsTheKeySizeAndPacksAtLeastFiveValuesAt2048Bits() {
    // f = 40, |x| <= 1, 2^20 additions: B = 2^40, slots of bitLength(2^20·2^41) = 62 bits, ⌊2047/62⌋ = 33.
    PackedEncoding enc = PackedEncoding.builder(KEY_2048).fractionBits(40).maxAbsValue(1).maxAdditions(1 << 20).build();
    assertEquals(62, enc.slotBits());
    assertEquals(33, enc.slots());
    // Gradients up to 1e3 summed over 10^7 samples: 75-bit slots, still ≥ 5 of them.
    PackedEncoding wide = PackedEncoding.builder(KEY_2048).fractionBits(40).maxAbsValue(1000).maxAdditions(10_000_000).build();
    assertTrue(wide.slots() >= 5, "slots " + wide.slots());
    assertTrue(wide.slots() * wide.slotBits() <= 2047);
    // B = 1, slots of bitLength(2) = 2 bits: ⌊1023/2⌋.
    assertEquals(511, PackedEncoding.builder(KEYS.publicKey()).fractionBits(0).maxAbsValue(1).maxAdditions(1).build().slots());
  }

  @Test
  void encryptedPackedSumsDecodeToTheExactSumsOfTheFixedPointValues() {
    PaillierPublicKey pub = KEYS.publicKey();
    int f = 30;
    int m = 40;
    PackedEncoding enc = PackedEncoding.builder(pub).fractionBits(f).maxAbsValue(100).maxAdditions(m).build();
    int d = 2 * enc.slots() + 3; // three plaintexts, the last one partly used
    BigInteger[] sum = new BigInteger[enc.plaintextsFor(d)];
    java.util.Arrays.fill(sum, pub.zero());
    long[] exact = new long[d];
    double[] plain = new double[d];
    for (int c = 0; c < m; c++) {
      double[] v = new double[d];
      for (int i = 0; i < d; i++) {
        v[i] = (RANDOM.nextDouble() * 2 - 1) * 100;
        exact[i] += (long) Math.rint(Math.scalb(v[i], f)); // round(x·2^f), ties to even
        plain[i] += v[i];
      }
      BigInteger[] p = enc.pack(v);
      for (int j = 0; j < p.length; j++) sum[j] = pub.add(sum[j], pub.encrypt(p[j], RANDOM));
    }
    BigInteger[] dec = new BigInteger[sum.length];
    for (int j = 0; j < sum.length; j++) dec[j] = KEYS.privateKey().decrypt(sum[j]);
    double[] out = enc.unpack(dec, d, m);
    for (int i = 0; i < d; i++) {
      assertEquals(Math.scalb((double) exact[i], -f), out[i], 0.0, "entry " + i);
      assertEquals(plain[i], out[i], enc.errorBound(m) + Math.ulp(plain[i]) * 4, "entry " + i);
    }
  }

  @Test
  void extremeValuesAtTheBoundsAndTheFullHeadroomDecode() {
    PaillierPublicKey pub = KEYS.publicKey();
    int m = 7;
    PackedEncoding enc = PackedEncoding.builder(pub).fractionBits(20).maxAbsValue(2.5).maxAdditions(m).build();
    double[] v = new double[enc.slots()];
    for (int i = 0; i < v.length; i++) v[i] = i % 3 == 0 ? 2.5 : i % 3 == 1 ? -2.5 : 0.0;
    BigInteger c = pub.zero();
    for (int k = 0; k < m; k++) c = pub.add(c, pub.encrypt(enc.pack(v)[0], RANDOM));
    double[] out = enc.unpack(new BigInteger[] {KEYS.privateKey().decrypt(c)}, v.length, m);
    for (int i = 0; i < v.length; i++) assertEquals(m * v[i], out[i], 0.0, "slot " + i);
    // Smallest step: 2^−20 survives next to the extremes.
    assertArrayEquals(new double[] {Math.scalb(1.0, -20), -2.5}, enc.unpack(enc.pack(new double[] {Math.scalb(1.0, -20), -2.5}), 2, 1));
  }

  @Test
  void aSumOfMoreAdditionsThanTheHeadroomIsRefused() {
    PackedEncoding enc = PackedEncoding.builder(KEYS.publicKey()).fractionBits(10).maxAbsValue(1).maxAdditions(4).build();
    BigInteger[] p = enc.pack(new double[] {1, -1});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> enc.unpack(p, 2, 5));
    assertEquals("additions must be in [1, 4] (the headroom of the slots), got 5", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> enc.unpack(p, 2, 0));
    // Five sums of maximal values overflow a slot sized for four: the slot check refuses it.
    BigInteger five = p[0].multiply(BigInteger.valueOf(5));
    assertThrows(IllegalArgumentException.class, () -> enc.unpack(new BigInteger[] {five}, 2, 4));
  }

  @Test
  void valuesOutsideTheRangeAreRefusedNamingTheValueAndTheBound() {
    PackedEncoding enc = PackedEncoding.builder(KEYS.publicKey()).fractionBits(16).maxAbsValue(8).maxAdditions(100).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> enc.pack(new double[] {0, 8.5}));
    assertEquals("value 8.5 at index 1 is outside [-8.0, 8.0]", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> enc.pack(new double[] {-9}));
    assertThrows(IllegalArgumentException.class, () -> enc.pack(new double[] {Double.NaN}));
    assertThrows(IllegalArgumentException.class, () -> enc.pack(new double[] {Double.NEGATIVE_INFINITY}));
  }

  @Test
  void hostilePlaintextsAndCountsAreRefused() {
    PackedEncoding enc = PackedEncoding.builder(KEYS.publicKey()).fractionBits(16).maxAbsValue(8).maxAdditions(100).build();
    BigInteger tooWide = BigInteger.ONE.shiftLeft(enc.slots() * enc.slotBits());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> enc.unpack(new BigInteger[] {tooWide}, 1, 1));
    assertTrue(e.getMessage().startsWith("plaintext 0 has " + (enc.slots() * enc.slotBits() + 1) + " bits"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> enc.unpack(new BigInteger[] {BigInteger.ONE.negate()}, 1, 1));
    // A slot holding more than a sum of one value can: 2B + 1.
    BigInteger slot = BigInteger.valueOf(2 * enc.offset() + 1);
    e = assertThrows(IllegalArgumentException.class, () -> enc.unpack(new BigInteger[] {slot}, 1, 1));
    assertEquals("slot 0 of plaintext 0 exceeds the sum of 1 values", e.getMessage());
    // The count must match the number of plaintexts.
    BigInteger[] two = enc.pack(new double[enc.slots() + 1]);
    assertThrows(IllegalArgumentException.class, () -> enc.unpack(two, enc.slots(), 1));
    assertThrows(IllegalArgumentException.class, () -> enc.unpack(two, 2 * enc.slots() + 1, 1));
    assertThrows(IllegalArgumentException.class, () -> enc.unpack(two, -1, 1));
  }

  @Test
  void theBuilderRefusesParametersThatDoNotFit() {
    PaillierPublicKey pub = KEYS.publicKey();
    assertEquals("fractionBits must be in [0, 60], got 61",
        assertThrows(IllegalArgumentException.class, () -> PackedEncoding.builder(pub).fractionBits(61)).getMessage());
    assertEquals("maxAbsValue must be positive and finite, got -1.0",
        assertThrows(IllegalArgumentException.class, () -> PackedEncoding.builder(pub).maxAbsValue(-1)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> PackedEncoding.builder(pub).maxAbsValue(Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> PackedEncoding.builder(pub).maxAbsValue(Double.NaN));
    assertEquals("maxAdditions must be >= 1, got 0",
        assertThrows(IllegalArgumentException.class, () -> PackedEncoding.builder(pub).maxAdditions(0)).getMessage());
    assertEquals("slots must be >= 1, got 0", assertThrows(IllegalArgumentException.class, () -> PackedEncoding.builder(pub).slots(0)).getMessage());
    // maxAbsValue·2^f below one step or above 2^61.
    assertThrows(IllegalArgumentException.class, () -> PackedEncoding.builder(pub).fractionBits(0).maxAbsValue(0.25).build());
    assertThrows(IllegalArgumentException.class, () -> PackedEncoding.builder(pub).fractionBits(60).maxAbsValue(4).build());
    // f = 40, |x| <= 1, 2^20 additions: 62-bit slots, 16 fit in 1023 bits.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PackedEncoding.builder(pub).slots(17).build());
    assertEquals("slots must be at most 16 for 62-bit slots under a 1024-bit key, got 17", e.getMessage());
    assertEquals(16, PackedEncoding.builder(pub).slots(16).build().slots());
    // A 62-bit slot does not fit a 60-bit key.
    PaillierPublicKey small = new PaillierPublicKey(BigInteger.ONE.shiftLeft(59).add(BigInteger.ONE));
    assertThrows(IllegalArgumentException.class, () -> PackedEncoding.builder(small).build());
  }
}
