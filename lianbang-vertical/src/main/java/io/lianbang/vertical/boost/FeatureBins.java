package io.lianbang.vertical.boost;

import java.util.Arrays;

/**
 * Quantile bins of each feature of one party, fitted on its own rows only: the split points of a
 * host's features never leave the host.
 *
 * <p>For a feature with sorted values v_0 ≤ … ≤ v_{n−1} and at most B bins, the candidate split
 * points are the lower k/B-quantiles v_{⌈k·n/B⌉−1}, k = 1 … B−1; repeated candidates and candidates
 * equal to the largest value are dropped, leaving split points t_0 &lt; … &lt; t_{m−1} and m + 1 ≤ B
 * bins. Value x falls into the first bin b with x ≤ t_b, or into bin m if x &gt; t_{m−1}; so "bin ≤ b"
 * is the same as "x ≤ t_b", the rule by which a tree sends a row left. This is the equal-frequency
 * binning of FATE's quantile binning and of XGBoost's {@code hist} method (Chen and Guestrin 2016,
 * Section 3.3), computed exactly rather than by a sketch; it is deterministic.
 */
public final class FeatureBins {
  private final double[][] splitPoints;

  private FeatureBins(double[][] splitPoints) {
    this.splitPoints = splitPoints;
  }

  /**
   * Fits bins to {@code rows} ({@code rows[r][feature]}).
   *
   * @param columns the number of features (needed when there are no rows)
   * @throws IllegalArgumentException if maxBins is below 2 or a row has the wrong length
   */
  public static FeatureBins fit(double[][] rows, int columns, int maxBins) {
    if (maxBins < 2) throw new IllegalArgumentException("maxBins must be >= 2, got " + maxBins);
    int n = rows.length;
    double[][] points = new double[columns][];
    double[] v = new double[n];
    for (int f = 0; f < columns; f++) {
      for (int r = 0; r < n; r++) {
        if (rows[r].length != columns) throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " features, expected " + columns);
        v[r] = rows[r][f];
      }
      Arrays.sort(v);
      double[] t = new double[maxBins - 1];
      int m = 0;
      for (int k = 1; k < maxBins && n > 0; k++) {
        int index = (int) Math.max(0, ((long) k * n + maxBins - 1) / maxBins - 1);
        double c = v[index];
        if (c >= v[n - 1]) break;
        if (m == 0 || c > t[m - 1]) t[m++] = c;
      }
      points[f] = Arrays.copyOf(t, m);
    }
    return new FeatureBins(points);
  }

  /** The number of features. */
  public int features() {
    return splitPoints.length;
  }

  /** The number of bins of {@code feature}: its split points plus one. */
  public int bins(int feature) {
    return splitPoints[feature].length + 1;
  }

  /** Split point t_b of {@code feature}: rows with x ≤ t_b have bin ≤ b. */
  public double threshold(int feature, int bin) {
    double[] t = splitPoints[feature];
    if (bin < 0 || bin >= t.length) throw new IllegalArgumentException("bin " + bin + " of feature " + feature + " is not a split point; it has " + t.length);
    return t[bin];
  }

  /** The bin of value {@code x} of {@code feature}. */
  public int bin(int feature, double x) {
    double[] t = splitPoints[feature];
    int lo = 0;
    int hi = t.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (x <= t[mid]) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** The bins of {@code rows}, column-major: {@code result[feature][row]}. */
  public int[][] binColumns(double[][] rows) {
    int[][] out = new int[splitPoints.length][rows.length];
    for (int f = 0; f < splitPoints.length; f++) {
      for (int r = 0; r < rows.length; r++) out[f][r] = bin(f, rows[r][f]);
    }
    return out;
  }
}
