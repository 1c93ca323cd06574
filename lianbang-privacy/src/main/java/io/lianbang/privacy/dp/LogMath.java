package io.lianbang.privacy.dp;

/** Log-space arithmetic and the special functions the RDP computation needs, in double precision. */
final class LogMath {
  private static final double LOG_SQRT_PI = 0.5 * Math.log(Math.PI);

  private LogMath() {}

  /** log(e^a + e^b), exact for infinite arguments. */
  static double logAdd(double a, double b) {
    double hi = Math.max(a, b);
    double lo = Math.min(a, b);
    if (hi == Double.NEGATIVE_INFINITY) return hi;
    return hi + Math.log1p(Math.exp(lo - hi));
  }

  /**
   * log(e^a - e^b) for a &gt;= b.
   *
   * @throws IllegalArgumentException if the difference would be negative
   */
  static double logSub(double a, double b) {
    if (b > a) throw new IllegalArgumentException("log-space subtraction would be negative: " + a + " - " + b);
    if (b == Double.NEGATIVE_INFINITY) return a;
    if (a == b) return Double.NEGATIVE_INFINITY;
    double d = b - a;
    return a + (d > -0.6931471805599453 ? Math.log(-Math.expm1(d)) : Math.log1p(-Math.exp(d)));
  }

  /** log |binom(n, k)| for real n and integer k &gt;= 0 (the generalised binomial coefficient). */
  static double logAbsBinom(double n, int k) {
    double s = 0;
    for (int i = 0; i < k; i++) {
      s += Math.log(Math.abs(n - i)) - Math.log(i + 1.0);
    }
    return s;
  }

  /** The sign of binom(n, k) for real n and integer k &gt;= 0. */
  static int binomSign(double n, int k) {
    int sign = 1;
    for (int i = 0; i < k; i++) {
      double f = n - i;
      if (f == 0) return 0;
      if (f < 0) sign = -sign;
    }
    return sign;
  }

  /**
   * log erfc(x) for every real x, with close to double relative accuracy, also where erfc(x)
   * underflows; erfc(x) = 2 − erfc(−x) for negative x. For 0 &lt;= x &lt; 3 it uses the all-positive series erf(x) = 2/√π e^{-x²} Σ 2ⁿ x^{2n+1} /
   * (2n+1)!! (Abramowitz &amp; Stegun 7.1.6); for x &gt;= 3 the continued fraction of erfc
   * (A&amp;S 7.1.14), evaluated in log space.
   */
  static double logErfc(double x) {
    if (Double.isNaN(x)) return Double.NaN;
    if (x < 0) return Math.log(2 - Math.exp(logErfc(-x)));
    if (x < 3) return Math.log(1 - erfSeries(x));
    // erfc(x) = e^{-x^2}/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
    // evaluated bottom-up with enough terms for x >= 3 (terms n/2 grow, convergence is fast).
    double f = x;
    for (int n = 200; n >= 1; n--) {
      f = x + (n / 2.0) / f;
    }
    return -x * x - LOG_SQRT_PI - Math.log(f);
  }

  private static double erfSeries(double x) {
    double x2 = x * x;
    double term = x;
    double sum = x;
    for (int n = 1; n < 500; n++) {
      term *= 2 * x2 / (2 * n + 1);
      sum += term;
      if (term < sum * 1e-17) break;
    }
    return 2 / Math.sqrt(Math.PI) * Math.exp(-x2) * sum;
  }
}
