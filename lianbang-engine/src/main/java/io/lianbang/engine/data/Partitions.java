package io.lianbang.engine.data;

import io.lianbang.core.check.Require;

/** Helpers shared by the partitioners and splits: argument checks and index bookkeeping. */
final class Partitions {
  private Partitions() {}

  /** Indices of each class in ascending order (a counting sort by label). */
  static int[][] indicesByClass(int[] labels, int numClasses) {
    int[] counts = new int[numClasses];
    for (int l : labels) counts[l]++;
    int[][] out = new int[numClasses][];
    for (int c = 0; c < numClasses; c++) out[c] = new int[counts[c]];
    int[] fill = new int[numClasses];
    for (int i = 0; i < labels.length; i++) out[labels[i]][fill[labels[i]]++] = i;
    return out;
  }

  /** The {@code n} examples cut into {@code parts} consecutive blocks whose sizes differ by at most one, larger first. */
  static int[][] deal(int[] order, int parts) {
    int n = order.length;
    int[][] out = new int[parts][];
    int start = 0;
    for (int p = 0; p < parts; p++) {
      int size = n / parts + (p < n % parts ? 1 : 0);
      out[p] = java.util.Arrays.copyOfRange(order, start, start + size);
      start += size;
    }
    return out;
  }

  static void requireClientsFit(String who, int clients, int examples) {
    Require.that(clients <= examples, who + " clients", "<= examples", clients + " clients for " + examples + " examples");
  }

  static void requireClassification(String who, Dataset data) {
    if (!data.isClassification()) {
      throw new IllegalArgumentException(who + " partitioning needs class labels, got a regression dataset " + data);
    }
  }

  static void requireMinFits(String who, int clients, int minPerClient, int examples) {
    if ((long) clients * minPerClient > examples) {
      throw new IllegalArgumentException(who + " minPerClient " + minPerClient + " x " + clients + " clients = "
          + (long) clients * minPerClient + " exceeds the " + examples + " examples");
    }
  }

  static int min(int[][] parts) {
    int m = Integer.MAX_VALUE;
    for (int[] p : parts) m = Math.min(m, p.length);
    return m;
  }
}
