package io.lianbang.core.aggregate;

import java.util.stream.IntStream;

/**
 * Squared Euclidean distances between all pairs of n vectors of d values, the core cost of Krum
 * and Bulyan: n(n−1)/2 · d multiply-adds.
 *
 * <p>The coordinates are processed in blocks of {@value #BLOCK} values so that the block of every
 * vector stays in cache while all pairs use it; each pair's distance is accumulated in double by
 * one thread, always in the same order, so the result does not depend on the thread count. Each
 * coordinate difference is rounded to float before squaring (relative error about 1e-7).
 * {@code bench/krum-distances.sh} measures it (100 vectors × 1M values).
 */
public final class PairwiseDistances {
  /** Coordinates per cache block. */
  static final int BLOCK = 2048;

  private PairwiseDistances() {}

  /** As {@link #squared(float[][], int)} on the calling thread. */
  public static double[][] squared(float[][] rows) {
    return squared(rows, 1);
  }

  /**
   * The symmetric matrix of squared distances {@code ‖rows[i] − rows[j]‖²} (zero diagonal).
   *
   * @param threads how many threads share the work (on the common fork-join pool), at least 1
   * @throws IllegalArgumentException if there are no rows, their lengths differ or threads &lt; 1
   */
  public static double[][] squared(float[][] rows, int threads) {
    if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    int d = Rows.check(rows, "pairwise distances");
    int n = rows.length;
    double[][] dist = new double[n][n];
    int parts = Math.max(1, Math.min(threads, n - 1));
    int[] bounds = balancedRowSplit(n, parts);
    Runnable[] work = new Runnable[parts];
    for (int p = 0; p < parts; p++) {
      int from = bounds[p];
      int to = bounds[p + 1];
      work[p] = () -> rowsRange(rows, d, from, to, dist);
    }
    if (parts == 1) {
      work[0].run();
    } else {
      IntStream.range(0, parts).parallel().forEach(p -> work[p].run());
    }
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) dist[j][i] = dist[i][j];
    }
    return dist;
  }

  /** Splits rows 0..n-1 into parts with about equal numbers of pairs (i, j &gt; i). */
  private static int[] balancedRowSplit(int n, int parts) {
    long total = (long) n * (n - 1) / 2;
    int[] b = new int[parts + 1];
    long acc = 0;
    int p = 1;
    for (int i = 0; i < n && p < parts; i++) {
      acc += n - 1 - i;
      if (acc * parts >= total * p) b[p++] = i + 1;
    }
    while (p <= parts) b[p++] = n;
    return b;
  }

  /** Fills dist[i][j] for i in [from, to), j &gt; i. */
  private static void rowsRange(float[][] rows, int d, int from, int to, double[][] dist) {
    int n = rows.length;
    for (int start = 0; start < d; start += BLOCK) {
      int end = Math.min(d, start + BLOCK);
      for (int i = from; i < to; i++) {
        float[] a = rows[i];
        double[] di = dist[i];
        for (int j = i + 1; j < n; j++) di[j] += block(a, rows[j], start, end);
      }
    }
  }

  private static double block(float[] a, float[] b, int from, int to) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int k = from;
    for (; k + 3 < to; k += 4) {
      float d0 = a[k] - b[k];
      float d1 = a[k + 1] - b[k + 1];
      float d2 = a[k + 2] - b[k + 2];
      float d3 = a[k + 3] - b[k + 3];
      s0 += (double) d0 * d0;
      s1 += (double) d1 * d1;
      s2 += (double) d2 * d2;
      s3 += (double) d3 * d3;
    }
    for (; k < to; k++) {
      float dk = a[k] - b[k];
      s0 += (double) dk * dk;
    }
    return (s0 + s1) + (s2 + s3);
  }
}
