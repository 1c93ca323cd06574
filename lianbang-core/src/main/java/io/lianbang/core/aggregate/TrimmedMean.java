package io.lianbang.core.aggregate;

/**
 * The coordinate-wise trimmed mean of vectors: for every coordinate, drop the {@code k} largest
 * and the {@code k} smallest values and average the rest, where {@code k = floor(beta · n)}.
 *
 * <p>Reference: D. Yin, Y. Chen, K. Ramchandran, P. Bartlett, "Byzantine-Robust Distributed
 * Learning: Towards Optimal Statistical Rates", ICML 2018 (coordinate-wise trimmed mean,
 * Option II), with β ∈ [0, 1/2).
 *
 * <p>Sums are taken over the sorted values in double precision, so the result depends only on the
 * multiset of values in each coordinate, not on the order of the rows.
 */
public final class TrimmedMean {
  private TrimmedMean() {}

  /**
   * The number of values trimmed at each end for {@code n} vectors and fraction {@code beta}.
   *
   * @throws IllegalArgumentException if {@code beta} is outside [0, 0.5)
   */
  public static int trimmed(int n, double beta) {
    if (!(beta >= 0 && beta < 0.5)) {
      throw new IllegalArgumentException("trimmed mean beta must be in [0, 0.5), got " + beta);
    }
    return (int) Math.floor(beta * n);
  }

  /**
   * @param rows n ≥ 1 vectors of equal length
   * @param beta the fraction trimmed at each end, in [0, 0.5)
   * @throws IllegalArgumentException if there are no rows, their lengths differ or beta is out of range
   */
  public static float[] of(float[][] rows, double beta) {
    int d = Rows.check(rows, "trimmed mean");
    int n = rows.length;
    int k = trimmed(n, beta);
    float[] out = new float[d];
    float[] col = new float[n];
    for (int c = 0; c < d; c++) {
      Rows.sortedColumn(rows, c, col);
      double s = 0;
      for (int i = k; i < n - k; i++) s += col[i];
      out[c] = (float) (s / (n - 2 * k));
    }
    return out;
  }
}
