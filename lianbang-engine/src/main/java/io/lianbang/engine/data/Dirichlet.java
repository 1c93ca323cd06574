package io.lianbang.engine.data;

import io.lianbang.core.random.SplitMix64;

/**
 * Gamma and symmetric Dirichlet sampling, with no dependency beyond the JDK.
 *
 * <p>Gamma variates follow Marsaglia &amp; Tsang, <i>A simple method for generating gamma
 * variables</i>, ACM TOMS 26(3), 2000: for shape {@code a >= 1}, squeeze-accepted
 * {@code d v} with {@code d = a - 1/3}, {@code v = (1 + x / sqrt(9d))^3}, {@code x} standard normal;
 * for {@code a < 1}, {@code Gamma(a) = Gamma(a + 1) U^(1/a)}. Sampling is done in log space, because
 * with the small concentrations used for label skew ({@code alpha = 0.01}) {@code U^(1/a)} underflows
 * to zero in double precision and every proportion would be lost. A Dirichlet(alpha, ..., alpha)
 * vector is the normalised vector of independent Gamma(alpha) variates.
 */
final class Dirichlet {
  private Dirichlet() {}

  /** The natural logarithm of one Gamma(shape, 1) variate. */
  static double logGamma(double shape, SplitMix64 rng) {
    if (shape < 1) {
      return logGamma(shape + 1, rng) + StrictMath.log(rng.nextDoubleNonZero()) / shape;
    }
    double d = shape - 1.0 / 3.0;
    double c = 1.0 / StrictMath.sqrt(9 * d);
    while (true) {
      double x;
      double v;
      do {
        x = rng.nextGaussian();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = rng.nextDoubleNonZero();
      double x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) return StrictMath.log(d * v);
      if (StrictMath.log(u) < 0.5 * x2 + d * (1 - v + StrictMath.log(v))) return StrictMath.log(d * v);
    }
  }

  /** A sample from the symmetric Dirichlet(alpha) over {@code k} components; sums to 1. */
  static double[] sample(double alpha, int k, SplitMix64 rng) {
    return sample(alpha, k, null, rng);
  }

  /**
   * A sample from the symmetric Dirichlet(alpha) over {@code k} components, with the components
   * where {@code eligible[i]} is false set to zero and the rest renormalised (equivalently, a
   * Dirichlet over the eligible components). All {@code k} variates are drawn whatever the mask, so
   * the random stream does not depend on it. {@code eligible} may be null (all eligible); at least
   * one component must be eligible.
   */
  static double[] sample(double alpha, int k, boolean[] eligible, SplitMix64 rng) {
    double[] logs = new double[k];
    for (int i = 0; i < k; i++) logs[i] = logGamma(alpha, rng);
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < k; i++) if (eligible == null || eligible[i]) max = Math.max(max, logs[i]);
    if (max == Double.NEGATIVE_INFINITY) throw new IllegalArgumentException("no eligible component");
    double[] p = new double[k];
    double sum = 0;
    for (int i = 0; i < k; i++) {
      if (eligible == null || eligible[i]) {
        p[i] = StrictMath.exp(logs[i] - max);
        sum += p[i];
      }
    }
    for (int i = 0; i < k; i++) p[i] /= sum;
    return p;
  }
}
