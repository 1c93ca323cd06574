package io.lianbang.core.aggregate;

/**
 * The coordinate-wise median of vectors: for every coordinate, the median of the values the
 * vectors hold there (the mean of the two middle values when their number is even).
 *
 * <p>Reference: D. Yin, Y. Chen, K. Ramchandran, P. Bartlett, "Byzantine-Robust Distributed
 * Learning: Towards Optimal Statistical Rates", ICML 2018 (coordinate-wise median, Option I).
 *
 * <p>The result depends only on the multiset of values in each coordinate, so it is independent
 * of the order of the rows. Cost: O(d · n log n) time for n vectors of d values, O(n) scratch.
 */
public final class CoordinateMedian {
  private CoordinateMedian() {}

  /**
   * @param rows n ≥ 1 vectors of equal length
   * @return their coordinate-wise median
   * @throws IllegalArgumentException if there are no rows or their lengths differ
   */
  public static float[] of(float[][] rows) {
    int d = Rows.check(rows, "median");
    int n = rows.length;
    float[] out = new float[d];
    float[] col = new float[n];
    for (int k = 0; k < d; k++) {
      Rows.sortedColumn(rows, k, col);
      out[k] = (n & 1) == 1 ? col[n / 2] : (float) (((double) col[n / 2 - 1] + col[n / 2]) / 2);
    }
    return out;
  }
}
