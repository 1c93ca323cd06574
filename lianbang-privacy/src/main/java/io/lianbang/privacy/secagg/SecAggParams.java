package io.lianbang.privacy.secagg;

/**
 * Settings of secure aggregation.
 *
 * @param degree k, the number of neighbours each client masks with and shares its secrets among;
 *     0 chooses {@link #defaultDegree} for the round's number of clients; {@code k ≥ n − 1} is
 *     classic SecAgg (complete graph). Must be even (a Harary graph H(k, n)).
 * @param threshold t, the Shamir threshold; 0 chooses {@link #defaultThreshold}; otherwise at
 *     least {@link #minThreshold} of the round's degree
 * @param clipRange c: each weighted update coordinate is clipped to [−c, c] before quantisation
 * @param modulusBits the masked vectors live modulo 2^modulusBits, in [16, 62]
 * @param maxWeight a client's weight is min(1, examples / maxWeight); larger clients are capped
 * @param minSurvivors the fewest clients whose inputs a released sum may hold, at least
 *     {@link #MIN_SURVIVORS}; a round with fewer survivors (or fewer than t) fails
 */
public record SecAggParams(int degree, int threshold, double clipRange, int modulusBits, double maxWeight, int minSurvivors) {
  /** The fewest inputs any released sum holds, and the default of {@code minSurvivors}: never one client's input alone. */
  public static final int MIN_SURVIVORS = 2;

  /**
   * @throws IllegalArgumentException naming the setting and value if one is out of range, or if
   *     the threshold is below the safe bound of the degree
   */
  public SecAggParams {
    if (degree < 0 || degree % 2 != 0) throw new IllegalArgumentException("secagg.k must be an even number >= 0 (0 = default), got " + degree);
    String unsafe = thresholdProblem(threshold, degree);
    if (unsafe != null) throw new IllegalArgumentException("secagg.threshold " + unsafe);
    if (!(clipRange > 0) || !Double.isFinite(clipRange)) throw new IllegalArgumentException("secagg.clip_range must be > 0, got " + clipRange);
    if (modulusBits < 16 || modulusBits > 62) throw new IllegalArgumentException("secagg.modulus_bits must be in [16, 62], got " + modulusBits);
    if (!(maxWeight >= 1) || !Double.isFinite(maxWeight)) throw new IllegalArgumentException("secagg.max_weight must be >= 1, got " + maxWeight);
    if (minSurvivors < MIN_SURVIVORS) {
      throw new IllegalArgumentException("secagg.min_survivors must be >= " + MIN_SURVIVORS + ", got " + minSurvivors);
    }
  }

  /** Settings with {@code minSurvivors} = {@link #MIN_SURVIVORS}. */
  public SecAggParams(int degree, int threshold, double clipRange, int modulusBits, double maxWeight) {
    this(degree, threshold, clipRange, modulusBits, maxWeight, MIN_SURVIVORS);
  }

  /** Log-scaled degree, modulus 2^32, clip range 1, weights capped at 10,000 examples, sums of at least 2. */
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

  /** The default threshold is the smallest safe one, {@link #minThreshold}. */
  public static int defaultThreshold(int degree) {
    return minThreshold(degree);
  }

  /**
   * The smallest safe threshold for degree k: ⌊(k + 1)/2⌋ + 1 (and at least 2), just above half
   * the k + 1 holders of each secret (the client and its k neighbours). Each honest holder reveals
   * either its share of a client's self-mask seed or of its mask key, never both, so with
   * t &gt; (k + 1)/2 a server cannot collect t shares of both, even by telling some neighbours the
   * client dropped and others that it survived, unless neighbours collude with it.
   */
  public static int minThreshold(int degree) {
    return Math.max(2, (degree + 1) / 2 + 1);
  }

  /**
   * Why {@code threshold} is not a safe, usable threshold for {@code degree}, or null if it is:
   * the reason as it follows the setting's name, e.g. "must be &gt;= 3 (...), got 2". A threshold
   * of 0 (the default) is fine; with degree 0 (chosen per round) only the lower bound 2 applies
   * here, the rest is checked by {@link #thresholdFor} each round.
   */
  public static String thresholdProblem(int threshold, int degree) {
    if (threshold == 0) return null;
    if (threshold < 0) return "must be >= 0 (0 = default), got " + threshold;
    if (degree == 0 && threshold < 2) return "must be 0 (default) or >= 2, got " + threshold;
    int min = minThreshold(degree);
    if (degree > 0 && threshold < min) {
      return "must be >= " + min + " = floor((k + 1)/2) + 1 for k = " + degree
          + " (more than half of the client and its k neighbours, who hold its secrets), got " + threshold;
    }
    if (degree > 0 && threshold > degree + 1) return "must be <= k + 1 = " + (degree + 1) + " for k = " + degree + ", got " + threshold;
    return null;
  }

  /** The degree for a round with {@code n} clients. */
  public int degreeFor(int n) {
    int k = degree == 0 ? defaultDegree(n) : degree;
    return Math.min(k, n - 1);
  }

  /**
   * The threshold for a round with {@code n} clients.
   *
   * @throws IllegalArgumentException naming the setting, value and bound if it is not safe and
   *     usable for the round's degree
   */
  public int thresholdFor(int n) {
    int k = degreeFor(n);
    int t = threshold == 0 ? defaultThreshold(k) : threshold;
    String unsafe = n < 2 ? null : thresholdProblem(t, k);
    if (unsafe != null) throw new IllegalArgumentException("secagg.threshold " + unsafe + " (a round of " + n + " clients)");
    return t;
  }

  /** The fewest surviving clients a round with {@code n} clients needs to release its sum: max(t, minSurvivors). */
  public int survivorsFor(int n) {
    return Math.max(thresholdFor(n), minSurvivors);
  }
}
