package io.lianbang.core.aggregate;

import java.util.Arrays;

/**
 * Bulyan: select {@code θ = n − 2f} vectors by applying Krum repeatedly (each time to the vectors
 * not yet selected), then, coordinate by coordinate, average the {@code β = θ − 2f} selected
 * values closest to their median.
 *
 * <p>Reference: E. M. El Mhamdi, R. Guerraoui, S. Rouault, "The Hidden Vulnerability of
 * Distributed Learning in Byzantium", ICML 2018 (Bulyan needs n ≥ 4f + 3).
 *
 * <p>Distances are computed once ({@link PairwiseDistances}); ties are broken by the lower row
 * index and sums run in sorted-value order, so the result does not depend on row order beyond the
 * canonical order callers give.
 */
public final class Bulyan {
  private Bulyan() {}

  /**
   * Checks Bulyan's requirement {@code n ≥ 4f + 3}.
   *
   * @throws IllegalArgumentException naming f, n and the requirement otherwise
   */
  public static void requireTolerates(int n, int f) {
    if (f < 0) throw new IllegalArgumentException("bulyan f must be >= 0, got " + f);
    if (n < 4 * f + 3) {
      throw new IllegalArgumentException("bulyan f=" + f + " is too large for n=" + n + " clients: need n >= 4f + 3");
    }
  }

  /** The indices selected by iterated Krum, in selection order. */
  public static int[] select(double[][] dist, int f) {
    int n = dist.length;
    requireTolerates(n, f);
    int theta = n - 2 * f;
    int[] remaining = new int[n];
    for (int i = 0; i < n; i++) remaining[i] = i;
    int[] selected = new int[theta];
    for (int t = 0; t < theta; t++) {
      double[] s = Krum.scores(dist, remaining, f);
      int best = 0;
      for (int a = 1; a < remaining.length; a++) {
        if (s[a] < s[best]) best = a; // strict: ties keep the lower index
      }
      selected[t] = remaining[best];
      int[] next = new int[remaining.length - 1];
      System.arraycopy(remaining, 0, next, 0, best);
      System.arraycopy(remaining, best + 1, next, best, remaining.length - best - 1);
      remaining = next;
    }
    return selected;
  }

  /** Bulyan's aggregate of {@code rows} tolerating {@code f} Byzantine rows. */
  public static float[] aggregate(float[][] rows, int f, int threads) {
    int d = Rows.check(rows, "bulyan");
    int[] selected = select(PairwiseDistances.squared(rows, threads), f);
    int theta = selected.length;
    int beta = theta - 2 * f;
    float[] out = new float[d];
    float[] col = new float[theta];
    for (int k = 0; k < d; k++) {
      for (int i = 0; i < theta; i++) col[i] = rows[selected[i]][k];
      Arrays.sort(col);
      out[k] = closestToMedianMean(col, beta);
    }
    return out;
  }

  /**
   * The mean of the {@code beta} values of sorted {@code col} closest to its median. They form a
   * contiguous window of the sorted values; the window is grown from the middle, taking the closer
   * end each time (ties: the lower value).
   */
  static float closestToMedianMean(float[] col, int beta) {
    int n = col.length;
    double median = (n & 1) == 1 ? col[n / 2] : ((double) col[n / 2 - 1] + col[n / 2]) / 2;
    int lo = (n - 1) / 2; // window [lo, hi)
    int hi = lo;
    while (hi - lo < beta) {
      if (lo == 0) {
        hi++;
      } else if (hi == n) {
        lo--;
      } else if (median - col[lo - 1] <= col[hi] - median) {
        lo--;
      } else {
        hi++;
      }
    }
    double s = 0;
    for (int i = lo; i < hi; i++) s += col[i];
    return (float) (s / beta);
  }
}
