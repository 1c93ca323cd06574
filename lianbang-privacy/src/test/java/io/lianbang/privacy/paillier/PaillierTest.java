package io.lianbang.privacy.paillier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PaillierTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final PaillierKeyPair KEYS = PaillierKeyPair.generate(1024, RANDOM);

  @Test
  void textbookExampleFromSmallPrimes() {
    // p = 17, q = 19, n = 323: decryption inverts encryption for every plaintext.
    PaillierPublicKey pub = new PaillierPublicKey(BigInteger.valueOf(323));
    PaillierPrivateKey priv = new PaillierPrivateKey(pub, BigInteger.valueOf(17), BigInteger.valueOf(19));
    for (int m = 0; m < 323; m++) assertEquals(BigInteger.valueOf(m), priv.decrypt(pub.encrypt(BigInteger.valueOf(m), RANDOM)));
  }

  @Test
  void generates2048BitKeysThatRoundTrip() {
    PaillierKeyPair k = PaillierKeyPair.generate(2048, RANDOM);
    assertEquals(2048, k.publicKey().bits());
    BigInteger m = new BigInteger(2000, RANDOM);
    assertEquals(m, k.privateKey().decrypt(k.publicKey().encrypt(m, RANDOM)));
  }

  @Test
  void encryptionIsRandomisedAndHomomorphic() {
    PaillierPublicKey pub = KEYS.publicKey();
    BigInteger a = BigInteger.valueOf(123456789);
    BigInteger b = BigInteger.valueOf(987654321);
    BigInteger ca = pub.encrypt(a, RANDOM);
    assertNotEquals(ca, pub.encrypt(a, RANDOM));
    BigInteger cb = pub.encrypt(b, RANDOM);
    assertEquals(a.add(b), KEYS.privateKey().decrypt(pub.add(ca, cb)));
    assertEquals(a.multiply(BigInteger.valueOf(37)), KEYS.privateKey().decrypt(pub.multiply(ca, BigInteger.valueOf(37))));
    assertEquals(a, KEYS.privateKey().decrypt(pub.add(ca, pub.zero())));
  }

  @Test
  void fixedPointEncodingHandlesNegativeValuesAndSums() {
    FixedPointEncoding enc = new FixedPointEncoding(KEYS.publicKey(), 40);
    PaillierPublicKey pub = KEYS.publicKey();
    double[] xs = {-1.5, 0.25, -1e-6, 3.125, -0.0};
    BigInteger sum = pub.zero();
    double plain = 0;
    for (double x : xs) {
      assertEquals(x, enc.decode(KEYS.privateKey().decrypt(pub.encrypt(enc.encode(x), RANDOM))), 1e-12);
      sum = pub.add(sum, pub.encrypt(enc.encode(x), RANDOM));
      plain += x;
    }
    assertEquals(plain, enc.decode(KEYS.privateKey().decrypt(sum)), 1e-11);
    // Scalar multiplication by a negative integer.
    assertEquals(4.5, enc.decode(KEYS.privateKey().decrypt(pub.multiply(pub.encrypt(enc.encode(-1.5), RANDOM), BigInteger.valueOf(-3)))), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> enc.encode(Double.NaN));
  }

  @Test
  void onlyTheKeyHolderReadsTheAggregatedWeightedMean() {
    FixedPointEncoding enc = new FixedPointEncoding(KEYS.publicKey(), 40);
    double[][] updates = {{0.5, -0.25, 1e-3}, {-0.1, 0.2, -2e-3}, {0.3, 0.0, 5e-4}};
    double[] weights = {100, 50, 250};
    EncryptedVector sum = null;
    double[] expected = new double[3];
    double total = 0;
    for (int c = 0; c < 3; c++) {
      double[] wv = new double[4];
      for (int i = 0; i < 3; i++) {
        wv[i] = weights[c] * updates[c][i];
        expected[i] += wv[i];
      }
      wv[3] = weights[c];
      total += weights[c];
      EncryptedVector e = EncryptedVector.encrypt(KEYS.publicKey(), enc, wv, RANDOM);
      sum = sum == null ? e : sum.plus(e); // what the server does: it holds no private key
    }
    double[] dec = sum.decrypt(KEYS.privateKey(), enc);
    assertEquals(total, dec[3], 1e-9);
    for (int i = 0; i < 3; i++) assertEquals(expected[i] / total, dec[i] / dec[3], 1e-12);
    PaillierKeyPair other = PaillierKeyPair.generate(512, RANDOM);
    EncryptedVector finalSum = sum;
    assertThrows(IllegalArgumentException.class, () -> finalSum.decrypt(other.privateKey(), enc));
  }
}
