package io.lianbang.privacy.dp;

/**
 * Converts Rényi differential privacy into (ε, δ)-differential privacy, minimising over the
 * orders at which the RDP is known.
 *
 * <ul>
 *   <li>{@link #tight}: B. Balle, G. Barthe, M. Gaboardi, J. Hsu, T. Sato, "Hypothesis Testing
 *       Interpretations and Rényi Differential Privacy", AISTATS 2020, Theorem 21:
 *       ε = rdp + log((α−1)/α) − (log δ + log α)/(α−1). This is the conversion the accountant
 *       reports.
 *   <li>{@link #classic}: Mironov 2017, Proposition 3: ε = rdp + log(1/δ)/(α−1).
 * </ul>
 */
final class RdpConversion {
  private RdpConversion() {}

  /** The (ε, δ) guarantee with the Balle et al. 2020 conversion. */
  public static PrivacySpent tight(double[] orders, double[] rdp, double delta) {
    check(orders, rdp, delta);
    double best = Double.POSITIVE_INFINITY;
    double bestOrder = Double.NaN;
    for (int i = 0; i < orders.length; i++) {
      double a = orders[i];
      double r = rdp[i];
      double eps;
      if (delta * delta + Math.expm1(-r) >= 0) {
        eps = 0; // the RDP bound already implies (0, δ)-DP
      } else if (a > 1.01) {
        eps = r + Math.log1p(-1 / a) - Math.log(delta * a) / (a - 1);
      } else {
        eps = Double.POSITIVE_INFINITY; // the bound is numerically useless this close to 1
      }
      if (eps < best) {
        best = eps;
        bestOrder = a;
      }
    }
    return new PrivacySpent(Math.max(0, best), delta, bestOrder);
  }

  /** The (ε, δ) guarantee with the classic conversion of Mironov 2017. */
  public static PrivacySpent classic(double[] orders, double[] rdp, double delta) {
    check(orders, rdp, delta);
    double best = Double.POSITIVE_INFINITY;
    double bestOrder = Double.NaN;
    for (int i = 0; i < orders.length; i++) {
      double eps = rdp[i] - Math.log(delta) / (orders[i] - 1);
      if (eps < best) {
        best = eps;
        bestOrder = orders[i];
      }
    }
    return new PrivacySpent(Math.max(0, best), delta, bestOrder);
  }

  private static void check(double[] orders, double[] rdp, double delta) {
    if (orders.length != rdp.length || orders.length == 0) {
      throw new IllegalArgumentException("need one RDP value per order, got " + orders.length + " orders and " + rdp.length + " values");
    }
    if (!(delta > 0 && delta < 1)) throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
    for (int i = 0; i < orders.length; i++) {
      if (!(orders[i] > 1)) throw new IllegalArgumentException("RDP order must be > 1, got " + orders[i]);
      if (!(rdp[i] >= 0)) throw new IllegalArgumentException("RDP must be >= 0, got " + rdp[i] + " at order " + orders[i]);
    }
  }
}
