package io.lianbang.core.aggregate;

import java.util.Arrays;

/** Shared checks and helpers for aggregators over flattened vectors ("rows"). */
final class Rows {
  private Rows() {}

  /** Checks that there is at least one row and all have one length; returns the length. */
  static int check(float[][] rows, String what) {
    if (rows.length == 0) throw new IllegalArgumentException(what + " of no vectors");
    int d = rows[0].length;
    for (int i = 1; i < rows.length; i++) {
      if (rows[i].length != d) {
        throw new IllegalArgumentException(what + ": vector " + i + " has " + rows[i].length + " values, vector 0 has " + d);
      }
    }
    return d;
  }

  /** Copies coordinate {@code k} of every row into {@code col} and sorts it. */
  static void sortedColumn(float[][] rows, int k, float[] col) {
    for (int i = 0; i < rows.length; i++) col[i] = rows[i][k];
    Arrays.sort(col);
  }

  /** The unweighted mean of the rows at {@code indices}, summed in the given index order in double. */
  static float[] mean(float[][] rows, int[] indices) {
    int d = rows[0].length;
    double[] s = new double[d];
    for (int i : indices) {
      float[] r = rows[i];
      for (int k = 0; k < d; k++) s[k] += r[k];
    }
    float[] out = new float[d];
    for (int k = 0; k < d; k++) out[k] = (float) (s[k] / indices.length);
    return out;
  }

  /**
   * The mean of the rows at {@code indices} weighted by {@code weights[i]}, summed in the given
   * index order in double.
   *
   * @throws IllegalArgumentException if a weight is not positive and finite
   */
  static float[] weightedMean(float[][] rows, int[] indices, double[] weights, String what) {
    int d = rows[0].length;
    double[] s = new double[d];
    double total = 0;
    for (int i : indices) {
      double w = weights[i];
      if (!(w > 0) || !Double.isFinite(w)) throw new IllegalArgumentException(what + ": weight " + i + " must be > 0, got " + w);
      float[] r = rows[i];
      for (int k = 0; k < d; k++) s[k] += w * r[k];
      total += w;
    }
    float[] out = new float[d];
    for (int k = 0; k < d; k++) out[k] = (float) (s[k] / total);
    return out;
  }
}
