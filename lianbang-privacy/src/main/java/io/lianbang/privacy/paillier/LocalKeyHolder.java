package io.lianbang.privacy.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Objects;

/**
 * A {@link PaillierKeyHolder} in this JVM: a role separate from the server object, holding the
 * private key and exposing only {@link #decryptMean}. It releases at most one aggregate per round,
 * rounds strictly increasing, and only aggregates of at least {@code minContributions} updates;
 * the count is decrypted (and checked) before anything else.
 */
public final class LocalKeyHolder implements PaillierKeyHolder {
  private final PaillierPublicKey publicKey;
  private final PaillierPrivateKey privateKey;
  private final FixedPointEncoding encoding;
  private final int minContributions;
  private int lastRound = Integer.MIN_VALUE;

  /**
   * @throws IllegalArgumentException if minContributions is below 2
   */
  public LocalKeyHolder(PaillierKeyPair keys, int minContributions) {
    Objects.requireNonNull(keys, "keys");
    if (minContributions < 2) throw new IllegalArgumentException("minContributions must be >= 2, got " + minContributions);
    this.publicKey = keys.publicKey();
    this.privateKey = keys.privateKey();
    this.encoding = new FixedPointEncoding(publicKey, PaillierClient.FRACTION_BITS);
    this.minContributions = minContributions;
  }

  /**
   * A key holder with a fresh key pair of {@code bits} bits.
   *
   * @throws IllegalArgumentException if bits is odd or below 64, or minContributions below 2
   */
  public static LocalKeyHolder generate(int bits, int minContributions, SecureRandom random) {
    return new LocalKeyHolder(PaillierKeyPair.generate(bits, random), minContributions);
  }

  @Override
  public PaillierPublicKey publicKey() {
    return publicKey;
  }

  @Override
  public synchronized WeightedMean decryptMean(int round, EncryptedVector aggregate) {
    if (!aggregate.key().equals(publicKey)) throw new IllegalArgumentException("aggregate is not encrypted under this key holder's key");
    int d = aggregate.size() - 2;
    if (d < 1) throw new IllegalArgumentException("aggregate has " + aggregate.size() + " entries, expected an update, a weight and a count");
    if (round <= lastRound) {
      throw new IllegalStateException("key holder already released the aggregate of round " + lastRound
          + "; refusing a second aggregate for round " + round);
    }
    double count = encoding.decode(privateKey.decrypt(aggregate.ciphertexts().get(d + 1)));
    long contributions = Math.round(count);
    if (Math.abs(count - contributions) > 1e-6 || contributions < minContributions) {
      throw new IllegalStateException("aggregate of round " + round + " sums " + count
          + " contributions; the key holder releases only sums of at least " + minContributions);
    }
    lastRound = round;
    double weight = encoding.decode(privateKey.decrypt(aggregate.ciphertexts().get(d)));
    if (!(weight > 0)) throw new IllegalStateException("aggregate of round " + round + " has total weight " + weight);
    double[] mean = new double[d];
    for (int i = 0; i < d; i++) {
      BigInteger m = privateKey.decrypt(aggregate.ciphertexts().get(i));
      mean[i] = encoding.decode(m) / weight;
    }
    return new WeightedMean(mean, weight, contributions);
  }
}
