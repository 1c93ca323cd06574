package io.lianbang.privacy.paillier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Packed encryption, homomorphic sums and unpacking against plaintext sums: the per-bin gradient
 * and hessian sums of SecureBoost (Cheng et al. 2019, Algorithm 1), with each sample's (g, h)
 * packed into one plaintext as FATE does, and element-wise sums of packed vectors.
 */
class PackedHistogramTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final PaillierKeyPair KEYS = PaillierKeyPair.generate(1024, RANDOM);
  private static final int F = 40;

  /** round(x·2^f) with ties to even, the fixed-point value the packing stores. */
  private static long fixed(double x) {
    return (long) Math.rint(Math.scalb(x, F));
  }

  @Test
  void gradientHessianPairsSummedIntoBinsEqualThePlaintextBinSums() {
    PaillierPublicKey pub = KEYS.publicKey();
    int samples = 240;
    int features = 2;
    int bins = 8;
    // Logistic loss: g = p − y ∈ [−1, 1], h = p(1 − p) ∈ [0, 1/4]. Data from a fixed seed.
    Random data = new Random(14);
    double[] gh = new double[2 * samples];
    int[][] bin = new int[features][samples];
    for (int i = 0; i < samples; i++) {
      double p = 1 / (1 + Math.exp(-data.nextGaussian() * 2));
      int y = data.nextBoolean() ? 1 : 0;
      gh[2 * i] = p - y;
      gh[2 * i + 1] = p * (1 - p);
      for (int f = 0; f < features; f++) bin[f][i] = data.nextInt(bins);
    }
    PackedEncoding enc = PackedEncoding.builder(pub).fractionBits(F).maxAbsValue(1).maxAdditions(samples).slots(2).build();

    BigInteger[] c;
    try (ParallelPaillier two = ParallelPaillier.withThreads(2, Duration.ofMinutes(1));
        ObfuscatorPool pool = ObfuscatorPool.start(pub, new ObfuscatorPool.Settings(64, 1, Duration.ZERO))) {
      c = two.encryptPacked(enc, gh, pool); // one ciphertext per sample: (g_i, h_i)
    }
    assertEquals(samples, c.length);

    for (int f = 0; f < features; f++) {
      BigInteger[] sums = new BigInteger[bins];
      Arrays.fill(sums, pub.zero());
      int[] counts = new int[bins];
      double[] gSum = new double[bins];
      double[] hSum = new double[bins];
      long[] gFixed = new long[bins];
      long[] hFixed = new long[bins];
      for (int i = 0; i < samples; i++) {
        int b = bin[f][i];
        sums[b] = pub.add(sums[b], c[i]);
        counts[b]++;
        gSum[b] += gh[2 * i];
        hSum[b] += gh[2 * i + 1];
        gFixed[b] += fixed(gh[2 * i]);
        hFixed[b] += fixed(gh[2 * i + 1]);
      }
      for (int b = 0; b < bins; b++) {
        String where = "feature " + f + " bin " + b;
        if (counts[b] == 0) {
          assertEquals(BigInteger.ZERO, KEYS.privateKey().decrypt(sums[b]), where);
          continue;
        }
        double[] out = enc.unpack(new BigInteger[] {KEYS.privateKey().decrypt(sums[b])}, 2, counts[b]);
        // Exactly the sums of the fixed-point values, and the plaintext sums to the stated bound.
        assertEquals(Math.scalb((double) gFixed[b], -F), out[0], 0.0, where);
        assertEquals(Math.scalb((double) hFixed[b], -F), out[1], 0.0, where);
        double bound = enc.errorBound(counts[b]) + 1e-15 * counts[b];
        assertEquals(gSum[b], out[0], bound, where);
        assertEquals(hSum[b], out[1], bound, where);
      }
    }
  }

  @Test
  void packedVectorsFromSeveralPartiesSumElementWise() {
    PaillierPublicKey pub = KEYS.publicKey();
    int parties = 5;
    int d = 50;
    PackedEncoding enc = PackedEncoding.builder(pub).fractionBits(F).maxAbsValue(10).maxAdditions(parties).build();
    double[] plain = new double[d];
    long[] exact = new long[d];
    BigInteger[] sum = new BigInteger[enc.plaintextsFor(d)];
    Arrays.fill(sum, pub.zero());
    try (ParallelPaillier two = ParallelPaillier.withThreads(2)) {
      ObfuscatorSource inline = ObfuscatorSource.inline(pub, RANDOM);
      for (int party = 0; party < parties; party++) {
        double[] v = new double[d];
        for (int i = 0; i < d; i++) {
          v[i] = (RANDOM.nextDouble() * 2 - 1) * 10;
          plain[i] += v[i];
          exact[i] += fixed(v[i]);
        }
        BigInteger[] c = two.encryptPacked(enc, v, inline);
        for (int j = 0; j < c.length; j++) sum[j] = pub.add(sum[j], c[j]);
      }
      double[] out = two.decryptPacked(KEYS.privateKey(), enc, sum, d, parties);
      for (int i = 0; i < d; i++) {
        assertEquals(Math.scalb((double) exact[i], -F), out[i], 0.0, "entry " + i);
        assertEquals(plain[i], out[i], enc.errorBound(parties) + 1e-14, "entry " + i);
      }
    }
  }
}
