package io.lianbang.privacy.dp;

/**
 * Rényi differential privacy of the sampled Gaussian mechanism: each example (or client) is
 * included independently with probability {@code q}, the sum of the included contributions (each
 * of L2 norm at most C) gets Gaussian noise of standard deviation {@code sigma·C}.
 *
 * <p>References: I. Mironov, "Rényi Differential Privacy", CSF 2017 (RDP, composition by adding
 * RDP at each order); I. Mironov, K. Talwar, L. Zhang, "Rényi Differential Privacy of the Sampled
 * Gaussian Mechanism", arXiv:1908.10530, 2019 (Section 3: the RDP of order α is
 * log(A_α)/(α−1), with A_α a finite binomial sum for integer α, Eq. (3), and for fractional α
 * the two convergent series of Section 3.3, with terms bounded through erfc). The numbers match
 * the TensorFlow Privacy accountant, which implements the same formulas.
 *
 * <p>All functions are pure.
 */
final class SampledGaussianRdp {
  private SampledGaussianRdp() {}

  /**
   * The RDP at {@code order} of {@code steps} compositions of the sampled Gaussian mechanism.
   *
   * @param q the sampling probability, in [0, 1]
   * @param noiseMultiplier the noise standard deviation divided by the sensitivity, &gt;= 0
   * @param steps how many times the mechanism runs, &gt;= 0
   * @param order the Rényi order α, &gt; 1 (may be infinite)
   * @throws IllegalArgumentException naming the argument if one is out of range
   */
  public static double rdp(double q, double noiseMultiplier, long steps, double order) {
    if (!(q >= 0 && q <= 1)) throw new IllegalArgumentException("sampling rate q must be in [0, 1], got " + q);
    if (!(noiseMultiplier >= 0)) throw new IllegalArgumentException("noise multiplier must be >= 0, got " + noiseMultiplier);
    if (steps < 0) throw new IllegalArgumentException("steps must be >= 0, got " + steps);
    if (!(order > 1)) throw new IllegalArgumentException("RDP order must be > 1, got " + order);
    if (steps == 0 || q == 0) return 0;
    if (noiseMultiplier == 0) return Double.POSITIVE_INFINITY;
    return steps * rdpOneStep(q, noiseMultiplier, order);
  }

  private static double rdpOneStep(double q, double sigma, double alpha) {
    if (q == 1) return alpha / (2 * sigma * sigma);
    if (Double.isInfinite(alpha)) return Double.POSITIVE_INFINITY;
    return logA(q, sigma, alpha) / (alpha - 1);
  }

  /** log A_α, choosing the integer or fractional form. */
  static double logA(double q, double sigma, double alpha) {
    if (alpha == Math.rint(alpha) && alpha < Integer.MAX_VALUE) return logAInteger(q, sigma, (int) alpha);
    return logAFractional(q, sigma, alpha);
  }

  /**
   * Integer α: A_α = Σ_{i=0}^{α} binom(α, i) (1−q)^{α−i} q^i exp((i²−i)/(2σ²)) (Mironov et al.
   * 2019, Eq. (3) expanded binomially), summed in log space.
   */
  static double logAInteger(double q, double sigma, int alpha) {
    double logA = Double.NEGATIVE_INFINITY;
    double logQ = Math.log(q);
    double log1mQ = Math.log1p(-q);
    for (int i = 0; i <= alpha; i++) {
      double logCoef = LogMath.logAbsBinom(alpha, i) + i * logQ + (alpha - i) * log1mQ;
      double s = logCoef + ((double) i * i - i) / (2 * sigma * sigma);
      logA = LogMath.logAdd(logA, s);
    }
    return logA;
  }

  /**
   * Fractional α: A_α = A₀ + A₁, where splitting the integral at z₀ = σ² log(1/q − 1) + 1/2 gives
   * two series of generalised binomial terms, each term's Gaussian tail written with erfc
   * (Mironov et al. 2019, Section 3.3). Terms are added until both fall below e^{-30}.
   */
  static double logAFractional(double q, double sigma, double alpha) {
    double logA0 = Double.NEGATIVE_INFINITY;
    double logA1 = Double.NEGATIVE_INFINITY;
    double z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
    double logQ = Math.log(q);
    double log1mQ = Math.log1p(-q);
    double sqrt2Sigma = Math.sqrt(2) * sigma;
    for (int i = 0; ; i++) {
      int sign = LogMath.binomSign(alpha, i);
      double logCoef = LogMath.logAbsBinom(alpha, i);
      double j = alpha - i;
      double logT0 = logCoef + i * logQ + j * log1mQ;
      double logT1 = logCoef + j * logQ + i * log1mQ;
      double logE0 = Math.log(0.5) + LogMath.logErfc((i - z0) / sqrt2Sigma);
      double logE1 = Math.log(0.5) + LogMath.logErfc((z0 - j) / sqrt2Sigma);
      double logS0 = logT0 + ((double) i * i - i) / (2 * sigma * sigma) + logE0;
      double logS1 = logT1 + (j * j - j) / (2 * sigma * sigma) + logE1;
      if (sign > 0) {
        logA0 = LogMath.logAdd(logA0, logS0);
        logA1 = LogMath.logAdd(logA1, logS1);
      } else if (sign < 0) {
        logA0 = LogMath.logSub(logA0, logS0);
        logA1 = LogMath.logSub(logA1, logS1);
      }
      if (Math.max(logS0, logS1) < -30) break;
      if (i > 100_000) throw new IllegalStateException("RDP series did not converge for q=" + q + " sigma=" + sigma + " alpha=" + alpha);
    }
    return LogMath.logAdd(logA0, logA1);
  }
}
