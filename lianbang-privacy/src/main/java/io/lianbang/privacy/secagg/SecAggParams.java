package io.lianbang.privacy.secagg;

/**
 * Settings of secure aggregation.
 *
 * @param degree k, the number of neighbours each client masks with and shares its secrets among;
 *     0 chooses {@link #defaultDegree} for the round's number of clients; {@code k ≥ n − 1} is
 *     classic SecAgg (complete graph). Must be even (a Harary graph H(k, n)).
 * @param threshold t, the Shamir threshold; 0 chooses {@link #defaultThreshold}
 * @param clipRange c: each weighted update coordinate is clipped to [−c, c] before quantisation
 * @param modulusBits the masked vectors live modulo 2^modulusBits, in [16, 62]
 * @param maxWeight a client's weight is min(1, examples / maxWeight); larger clients are capped
 */
public record SecAggParams(int degree, int threshold, double clipRange, int modulusBits, double maxWeight) {
  /**
   * @throws IllegalArgumentException naming the setting and value if one is out of range
   */
  public SecAggParams {
    if (degree < 0 || degree % 2 != 0) throw new IllegalArgumentException("secagg.k must be an even number >= 0 (0 = default), got " + degree);
    if (threshold < 0) throw new IllegalArgumentException("secagg.threshold must be >= 0 (0 = default), got " + threshold);
    if (!(clipRange > 0) || !Double.isFinite(clipRange)) throw new IllegalArgumentException("secagg.clip_range must be > 0, got " + clipRange);
    if (modulusBits < 16 || modulusBits > 62) throw new IllegalArgumentException("secagg.modulus_bits must be in [16, 62], got " + modulusBits);
    if (!(maxWeight >= 1) || !Double.isFinite(maxWeight)) throw new IllegalArgumentException("secagg.max_weight must be >= 1, got " + maxWeight);
  }

  /** Log-scaled degree, modulus 2^32, clip range 1, weights capped at 10,000 examples. */
  public static SecAggParams defaults() {
    return new SecAggParams(0, 0, 1.0, 32, 10_000);
  }

  /**
   * The degree Bell et al. (CCS 2020) prescribe up to constants, O(log n): 2⌈log₂ n⌉ (14 for 100
   * clients), at most n − 1.
   */
  public static int defaultDegree(int n) {
    if (n <= 1) return 0;
    int k = 2 * (int) Math.ceil(Math.log(n) / Math.log(2));
    return Math.min(k, n - 1);
  }

  /**
   * A threshold just above half the k + 1 holders of each secret (the client and its k
   * neighbours): ⌊(k + 1)/2⌋ + 1. Any t &gt; (k + 1)/2 keeps the server from collecting both a
   * client's self-mask seed and its mask key, because each honest holder reveals only one of them.
   */
  public static int defaultThreshold(int degree) {
    return (degree + 1) / 2 + 1;
  }

  /** The degree for a round with {@code n} clients. */
  public int degreeFor(int n) {
    int k = degree == 0 ? defaultDegree(n) : degree;
    return Math.min(k, n - 1);
  }

  /** The threshold for a round with {@code n} clients. */
  public int thresholdFor(int n) {
    int k = degreeFor(n);
    int t = threshold == 0 ? defaultThreshold(k) : threshold;
    if (t > k + 1) throw new IllegalArgumentException("secagg.threshold must be <= k + 1 = " + (k + 1) + ", got " + t);
    return t;
  }
}
