package io.lianbang.vertical.boost;

/**
 * The second-order split and leaf rules of {@link BoostParams} (XGBoost, Chen and Guestrin 2016,
 * equations 6 and 7; SecureBoost, Cheng et al. 2019, Algorithm 2): shared by the guest of
 * SecureBoost and by {@link GbdtReference}, so both pick the same splits from the same sums.
 */
final class SplitRule {
  /** The best split found so far: where it is and its left sums. */
  record Best(double gain, int source, int feature, int bin, double leftG, double leftH) {}

  private final BoostParams params;

  SplitRule(BoostParams params) {
    this.params = params;
  }

  /** ½·[G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)]. */
  double gain(double g, double h, double gl, double hl) {
    double gr = g - gl;
    double hr = h - hl;
    double l = params.lambda();
    return 0.5 * (gl * gl / (hl + l) + gr * gr / (hr + l) - g * g / (h + l));
  }

  /** −G/(H+λ)·η. */
  double leafWeight(double g, double h) {
    return -g / (h + params.lambda()) * params.learningRate();
  }

  /**
   * Scans the candidate splits "bin ≤ b" of one feature, b &lt; {@code cumG.length}, and returns the
   * better of {@code best} and the best of them: a candidate must have both children's hessians at
   * least minChildWeight and a gain above minGain and strictly above {@code best}'s (so the first of
   * equal gains in scan order wins).
   */
  Best scan(double g, double h, double[] cumG, double[] cumH, int source, int feature, Best best) {
    for (int b = 0; b < cumG.length; b++) {
      double hl = cumH[b];
      double hr = h - hl;
      if (hl < params.minChildWeight() || hr < params.minChildWeight()) continue;
      double gain = gain(g, h, cumG[b], hl);
      if (gain > params.minGain() && (best == null || gain > best.gain())) best = new Best(gain, source, feature, b, cumG[b], hl);
    }
    return best;
  }

  /**
   * Plaintext cumulative sums of one feature over a node's rows: {@code [0][b]} the gradient sum and
   * {@code [1][b]} the hessian sum of the rows with bin ≤ b, for b below the last bin (whose sums
   * are the node's).
   */
  static double[][] cumulative(int[] rows, int[] bins, int binCount, long[] g, long[] h) {
    long[] sg = new long[binCount];
    long[] sh = new long[binCount];
    for (int r : rows) {
      sg[bins[r]] += g[r];
      sh[bins[r]] += h[r];
    }
    double[][] out = new double[2][binCount - 1];
    long cg = 0;
    long ch = 0;
    for (int b = 0; b < binCount - 1; b++) {
      cg += sg[b];
      ch += sh[b];
      out[0][b] = Logistic.fromFixed(cg);
      out[1][b] = Logistic.fromFixed(ch);
    }
    return out;
  }

  /** The sum of {@code values} over {@code rows}. */
  static long sum(int[] rows, long[] values) {
    long s = 0;
    for (int r : rows) s += values[r];
    return s;
  }
}
