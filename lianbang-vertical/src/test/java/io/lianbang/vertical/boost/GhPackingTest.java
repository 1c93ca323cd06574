package io.lianbang.vertical.boost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lianbang.privacy.paillier.PaillierKeyPair;
import io.lianbang.privacy.paillier.PaillierPublicKey;
import java.math.BigInteger;
import java.security.SecureRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GhPackingTest {
  private static PaillierKeyPair keys;

  @BeforeAll
  static void keys() {
    keys = PaillierKeyPair.generate(1024, new SecureRandom());
  }

  @Test
  void eightBinsPerCiphertextAtTheBenchmarkSizes() {
    PaillierPublicKey pk = keys.publicKey();
    // slot w = bitLength(2·2^40·30000) = 56 bits; ⌊1023/56⌋ = 18 slots, 9 (g, h) bins.
    assertEquals(9, GhPacking.maxBinsPerCiphertext(pk, 30_000));
    // 569 rows: w = bitLength(2^41·569) = 51 bits, 20 slots, 10 bins.
    assertEquals(10, GhPacking.maxBinsPerCiphertext(pk, 569));
    assertThrows(IllegalArgumentException.class, () -> new GhPacking(pk, 569, 11));
  }

  @Test
  void packedCumulativeBinsDecryptToTheExactSums() {
    PaillierPublicKey pk = keys.publicKey();
    GhPacking packing = new GhPacking(pk, 10, 2);
    // Five rows of a node; bins of the rows 0, 2, 2, 0, 1 (bin 3 holds no row of the node).
    double[] g = {0.25, -0.5, 0.75, -1.0, 0.125};
    double[] h = {0.1875, 0.25, 0.0625, 0.0, 0.109375};
    long[] qg = new long[5];
    long[] qh = new long[5];
    for (int r = 0; r < 5; r++) {
      qg[r] = Logistic.toFixed(g[r]);
      qh[r] = Logistic.toFixed(h[r]);
    }
    BigInteger[] rows = packing.encryptRows(qg, qh, new SecureRandom());
    int[] bin = {0, 2, 2, 0, 1};
    // Cumulative bins ≤ 0, ≤ 1, ≤ 2 (the last of 4 bins is the node's total and is not sent).
    BigInteger[] cum = new BigInteger[3];
    int[] count = new int[3];
    for (int b = 0; b < 3; b++) {
      cum[b] = pk.zero();
      for (int r = 0; r < 5; r++) {
        if (bin[r] <= b) {
          cum[b] = pk.add(cum[b], rows[r]);
          count[b]++;
        }
      }
    }
    BigInteger[] packed = packing.packBins(cum, count, 5);
    assertEquals(2, packed.length);
    BigInteger[] plain = new BigInteger[packed.length];
    for (int i = 0; i < packed.length; i++) plain[i] = keys.privateKey().decrypt(packed[i]);
    double[][] sums = packing.unpack(plain, 3, 5);
    // By hand: bin ≤ 0 = rows 0, 3; ≤ 1 adds row 4; ≤ 2 adds rows 1, 2.
    assertEquals(-0.75, sums[0][0], 0.0);
    assertEquals(0.1875, sums[1][0], 0.0);
    assertEquals(-0.625, sums[0][1], 0.0);
    assertEquals(0.296875, sums[1][1], 0.0);
    assertEquals(-0.375, sums[0][2], 0.0);
    assertEquals(0.609375, sums[1][2], 0.0);
    // More additions than the slots' headroom (maxAdditions 10): refused.
    assertThrows(IllegalArgumentException.class, () -> packing.unpack(plain, 3, 11));
  }
}
