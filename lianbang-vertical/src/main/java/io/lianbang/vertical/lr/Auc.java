package io.lianbang.vertical.lr;

import java.util.Arrays;

/**
 * The exact area under the ROC curve: the probability that a random positive scores above a random
 * negative, ties counting one half (the Mann–Whitney U statistic divided by n₊·n₋; Hanley and
 * McNeil, "The meaning and use of the area under a ROC curve", Radiology 143, 1982). Computed from
 * mid-ranks in O(n log n).
 */
public final class Auc {
  private Auc() {}

  /**
   * The AUC of {@code scores} for {@code labels} (1 is positive, anything else negative).
   *
   * @throws IllegalArgumentException if the lengths differ, a score is NaN, or one class is absent
   */
  public static double of(double[] scores, double[] labels) {
    if (scores.length != labels.length) throw new IllegalArgumentException("scores has " + scores.length + " entries, labels " + labels.length);
    int n = scores.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(scores[i])) throw new IllegalArgumentException("scores[" + i + "] is NaN");
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
    double rankSumPositive = 0;
    long positives = 0;
    int i = 0;
    while (i < n) {
      int k = i;
      while (k + 1 < n && scores[order[k + 1]] == scores[order[i]]) k++;
      double midRank = (i + k) / 2.0 + 1; // ranks i+1 .. k+1
      for (int r = i; r <= k; r++) {
        if (labels[order[r]] == 1) {
          rankSumPositive += midRank;
          positives++;
        }
      }
      i = k + 1;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      throw new IllegalArgumentException("AUC needs both classes, got " + positives + " positives and " + negatives + " negatives");
    }
    return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }
}
