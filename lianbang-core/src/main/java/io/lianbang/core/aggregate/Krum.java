package io.lianbang.core.aggregate;

import java.util.Arrays;

/**
 * Krum and Multi-Krum: each vector is scored by the sum of its squared distances to its
 * {@code n − f − 2} nearest neighbours; Krum returns the vector with the lowest score, Multi-Krum
 * the mean of the {@code m} vectors with the lowest scores.
 *
 * <p>Reference: P. Blanchard, E. M. El Mhamdi, R. Guerraoui, J. Stainer, "Machine Learning with
 * Adversaries: Byzantine Tolerant Gradient Descent", NeurIPS 2017 (Krum needs n &gt; 2f + 2).
 *
 * <p>Ties are broken by the lower row index, so callers that order rows canonically (by client id)
 * get results independent of arrival order.
 */
public final class Krum {
  private Krum() {}

  /**
   * Checks Krum's requirement {@code n > 2f + 2}.
   *
   * @throws IllegalArgumentException naming f, n and the requirement otherwise
   */
  public static void requireTolerates(String name, int n, int f) {
    if (f < 0) throw new IllegalArgumentException(name + " f must be >= 0, got " + f);
    if (n <= 2 * f + 2) {
      throw new IllegalArgumentException(name + " f=" + f + " is too large for n=" + n + " clients: need n > 2f + 2");
    }
  }

  /**
   * Krum scores of the rows of a squared-distance matrix restricted to {@code members}.
   *
   * @param dist squared distances (see {@link PairwiseDistances})
   * @param members the indices taking part
   * @param f the number of Byzantine vectors tolerated
   * @return score per member, in the order of {@code members}: the sum over its
   *     {@code n − f − 2} nearest neighbours, at least one (as Bulyan's last iterations need) and
   *     at most {@code n − 1}
   */
  public static double[] scores(double[][] dist, int[] members, int f) {
    int n = members.length;
    int neighbours = Math.min(n - 1, Math.max(1, n - f - 2));
    double[] out = new double[n];
    double[] row = new double[n - 1];
    for (int a = 0; a < n; a++) {
      int k = 0;
      for (int b = 0; b < n; b++) {
        if (b != a) row[k++] = dist[members[a]][members[b]];
      }
      Arrays.sort(row);
      double s = 0;
      for (int j = 0; j < neighbours; j++) s += row[j];
      out[a] = s;
    }
    return out;
  }

  /**
   * The indices of the {@code m} rows with the lowest Krum scores, best first (ties: lower index).
   *
   * @throws IllegalArgumentException if n ≤ 2f + 2 or m is outside [1, n]
   */
  public static int[] select(double[][] dist, int f, int m) {
    int n = dist.length;
    requireTolerates("krum", n, f);
    if (m < 1 || m > n) throw new IllegalArgumentException("multi-krum m must be in [1, " + n + "], got " + m);
    int[] all = new int[n];
    for (int i = 0; i < n; i++) all[i] = i;
    double[] s = scores(dist, all, f);
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) order[i] = i;
    Arrays.sort(order, (x, y) -> s[x] != s[y] ? Double.compare(s[x], s[y]) : Integer.compare(x, y));
    int[] out = new int[m];
    for (int i = 0; i < m; i++) out[i] = order[i];
    return out;
  }

  /**
   * Multi-Krum: the unweighted mean of the {@code m} rows with the lowest scores ({@code m = 1}
   * is Krum), as Blanchard et al. define it. The selected rows are summed in ascending index order.
   */
  public static float[] aggregate(float[][] rows, int f, int m, int threads) {
    Rows.check(rows, "krum");
    return Rows.mean(rows, chosen(rows, f, m, threads));
  }

  /**
   * Multi-Krum as Flower computes it: the mean of the {@code m} rows with the lowest scores
   * weighted by {@code weights} (the clients' example counts); the selection is the same as
   * {@link #aggregate(float[][], int, int, int)}'s and for {@code m = 1} so is the result.
   *
   * @param weights one positive weight per row
   * @throws IllegalArgumentException if n ≤ 2f + 2, m is outside [1, n], there is not one weight
   *     per row or a selected row's weight is not positive and finite
   */
  public static float[] aggregate(float[][] rows, double[] weights, int f, int m, int threads) {
    Rows.check(rows, "krum");
    if (weights.length != rows.length) {
      throw new IllegalArgumentException("krum: " + weights.length + " weights for " + rows.length + " vectors");
    }
    return Rows.weightedMean(rows, chosen(rows, f, m, threads), weights, "krum");
  }

  /** The selected rows' indices in ascending order. */
  private static int[] chosen(float[][] rows, int f, int m, int threads) {
    int[] sorted = select(PairwiseDistances.squared(rows, threads), f, m).clone();
    Arrays.sort(sorted);
    return sorted;
  }
}
