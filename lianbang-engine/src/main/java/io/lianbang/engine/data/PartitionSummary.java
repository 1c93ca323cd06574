package io.lianbang.engine.data;

import java.util.Arrays;
import java.util.Locale;

/**
 * Statistics of a {@link Partition} over a dataset, with a compact text rendering for a command
 * line: client sizes (min, median, max, mean), classes per client, and a label-count table for the
 * first few clients. Made by {@link Partition#summary(Dataset)}.
 */
public final class PartitionSummary {
  /** Above this many classes the table lists each client's largest classes instead of one column per class. */
  static final int MAX_CLASS_COLUMNS = 20;

  private final int[] sizes;
  private final int[][] histogram;
  private final int datasetSize;

  PartitionSummary(int[] sizes, int[][] histogram, int datasetSize) {
    this.sizes = sizes;
    this.histogram = histogram;
    this.datasetSize = datasetSize;
  }

  public int numClients() {
    return sizes.length;
  }

  public int minSize() {
    return Arrays.stream(sizes).min().orElse(0);
  }

  public int maxSize() {
    return Arrays.stream(sizes).max().orElse(0);
  }

  /** Median client size (mean of the two middle sizes for an even number of clients). */
  public double medianSize() {
    int[] s = sizes.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2.0;
  }

  public double meanSize() {
    return Arrays.stream(sizes).average().orElse(0);
  }

  /** True when per-class counts are available (classification data). */
  public boolean hasLabels() {
    return histogram != null;
  }

  /** Number of distinct classes client {@code c} holds. */
  public int classesOf(int c) {
    requireLabels();
    int k = 0;
    for (int v : histogram[c]) if (v > 0) k++;
    return k;
  }

  /** Mean over clients of the number of distinct classes each holds. */
  public double meanClassesPerClient() {
    requireLabels();
    double s = 0;
    for (int c = 0; c < sizes.length; c++) s += classesOf(c);
    return s / sizes.length;
  }

  /** Per-client class counts {@code [client][class]} (a copy). */
  public int[][] histogram() {
    requireLabels();
    int[][] h = new int[histogram.length][];
    for (int c = 0; c < h.length; c++) h[c] = histogram[c].clone();
    return h;
  }

  private void requireLabels() {
    if (histogram == null) throw new IllegalStateException("partition summary of a regression dataset has no label counts");
  }

  /** The rendering with the first 5 clients. */
  @Override
  public String toString() {
    return render(5);
  }

  /** A multi-line text summary showing the label counts of at most {@code maxClients} clients. */
  public String render(int maxClients) {
    StringBuilder b = new StringBuilder();
    int n = sizes.length;
    int assigned = Arrays.stream(sizes).sum();
    b.append(String.format(Locale.ROOT, "%d clients, %d of %d examples assigned%s%n", n, assigned, datasetSize,
        hasLabels() ? ", " + histogram[0].length + " classes" : ""));
    b.append(String.format(Locale.ROOT, "client size: min %d, median %s, max %d, mean %.1f%n",
        minSize(), fmt(medianSize()), maxSize(), meanSize()));
    if (!hasLabels()) return b.toString();
    int minClasses = Integer.MAX_VALUE;
    int maxClasses = 0;
    for (int c = 0; c < n; c++) {
      minClasses = Math.min(minClasses, classesOf(c));
      maxClasses = Math.max(maxClasses, classesOf(c));
    }
    b.append(String.format(Locale.ROOT, "classes per client: mean %.2f, min %d, max %d%n", meanClassesPerClient(), minClasses, maxClasses));
    int shown = Math.min(n, Math.max(0, maxClients));
    if (shown == 0) return b.toString();
    int k = histogram[0].length;
    int w = Math.max(String.valueOf(maxSize()).length(), 4);
    int cw = Math.max(String.valueOf(k - 1).length(), String.valueOf(maxSize()).length()) + 2;
    b.append("label counts").append(shown < n ? " (first " + shown + " of " + n + " clients)" : "").append(':').append(System.lineSeparator());
    StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%6s %" + w + "s |", "client", "size"));
    if (k <= MAX_CLASS_COLUMNS) {
      for (int j = 0; j < k; j++) head.append(String.format(Locale.ROOT, "%" + cw + "d", j));
    } else {
      head.append(" largest classes (class:count)");
    }
    b.append(head).append(System.lineSeparator());
    for (int c = 0; c < shown; c++) {
      b.append(String.format(Locale.ROOT, "%6d %" + w + "d |", c, sizes[c]));
      if (k <= MAX_CLASS_COLUMNS) {
        for (int j = 0; j < k; j++) b.append(String.format(Locale.ROOT, "%" + cw + "d", histogram[c][j]));
      } else {
        Integer[] order = new Integer[k];
        for (int j = 0; j < k; j++) order[j] = j;
        int[] row = histogram[c];
        Arrays.sort(order, (x, y) -> row[x] != row[y] ? Integer.compare(row[y], row[x]) : Integer.compare(x, y));
        for (int t = 0; t < Math.min(5, k) && row[order[t]] > 0; t++) b.append(' ').append(order[t]).append(':').append(row[order[t]]);
        if (classesOf(c) > 5) b.append(" ... (").append(classesOf(c)).append(" classes)");
      }
      b.append(System.lineSeparator());
    }
    return b.toString();
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }
}
