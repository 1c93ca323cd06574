package io.lianbang.vertical.boost;

import java.util.ArrayList;
import java.util.List;

/**
 * A plaintext gradient-boosted decision tree on one party's (or the joined) data: the centralized
 * model that SecureBoost must reproduce (Cheng et al. 2019, "SecureBoost: A Lossless Federated
 * Learning Framework", Theorem 1: lossless). Second order, logistic loss, exact greedy search over
 * quantile bins ({@link FeatureBins}), trees grown level by level to {@code maxDepth} with the
 * rules of {@link BoostParams}; the initial margin is the log-odds of the base rate, as FATE's.
 *
 * <p>Splits are searched over features in column order and bins ascending, the first of equal gains
 * winning; a node with fewer than two rows is a leaf. SecureBoost's guest searches in the same
 * order (its own features, then each host's), so on the same binned data both grow the same trees.
 */
public final class GbdtReference {
  private GbdtReference() {}

  /**
   * Bins {@code rows} with at most {@code params.maxBins()} bins per feature and trains.
   *
   * @throws IllegalArgumentException if rows and labels differ in length or labels are not 0/1 of both classes
   */
  public static BoostModel train(double[][] rows, double[] labels, BoostParams params) {
    int columns = rows.length == 0 ? 0 : rows[0].length;
    return train(FeatureBins.fit(rows, columns, params.maxBins()), rows, labels, params);
  }

  /** Trains on {@code rows} binned by {@code bins}. */
  public static BoostModel train(FeatureBins bins, double[][] rows, double[] labels, BoostParams params) {
    if (rows.length != labels.length) throw new IllegalArgumentException("rows has " + rows.length + " rows, labels " + labels.length);
    int n = rows.length;
    int[][] binned = bins.binColumns(rows);
    SplitRule rule = new SplitRule(params);
    double init = Logistic.initScore(labels);
    double[] scores = new double[n];
    java.util.Arrays.fill(scores, init);
    List<BoostTree> trees = new ArrayList<>();
    int[] all = new int[n];
    for (int r = 0; r < n; r++) all[r] = r;
    for (int t = 0; t < params.trees(); t++) {
      long[][] q = Logistic.fixedPointGradients(scores, labels);
      List<TreeNode> nodes = new ArrayList<>();
      nodes.add(null);
      List<int[]> frontier = List.of(all);
      List<Integer> frontierIds = List.of(0);
      for (int d = 0; d <= params.maxDepth() && !frontier.isEmpty(); d++) {
        List<int[]> next = new ArrayList<>();
        List<Integer> nextIds = new ArrayList<>();
        for (int i = 0; i < frontier.size(); i++) {
          int[] rs = frontier.get(i);
          int id = frontierIds.get(i);
          double g = Logistic.fromFixed(SplitRule.sum(rs, q[0]));
          double h = Logistic.fromFixed(SplitRule.sum(rs, q[1]));
          SplitRule.Best best = null;
          if (d < params.maxDepth() && rs.length >= 2) {
            for (int f = 0; f < bins.features(); f++) {
              double[][] cum = SplitRule.cumulative(rs, binned[f], bins.bins(f), q[0], q[1]);
              best = rule.scan(g, h, cum[0], cum[1], 0, f, best);
            }
          }
          if (best == null) {
            double w = rule.leafWeight(g, h);
            nodes.set(id, TreeNode.leaf(w));
            for (int r : rs) scores[r] += w;
            continue;
          }
          int f = best.feature();
          int left = nodes.size();
          nodes.add(null);
          nodes.add(null);
          nodes.set(id, TreeNode.localSplit(f, best.bin(), bins.threshold(f, best.bin()), left, left + 1));
          int[][] parts = partition(rs, binned[f], best.bin());
          next.add(parts[0]);
          nextIds.add(left);
          next.add(parts[1]);
          nextIds.add(left + 1);
        }
        frontier = next;
        frontierIds = nextIds;
      }
      trees.add(new BoostTree(nodes));
    }
    return new BoostModel(init, trees);
  }

  /** The rows with bin ≤ {@code bin} ({@code [0]}) and the others ({@code [1]}), in order. */
  static int[][] partition(int[] rows, int[] bins, int bin) {
    int nl = 0;
    for (int r : rows) if (bins[r] <= bin) nl++;
    int[] l = new int[nl];
    int[] rr = new int[rows.length - nl];
    int a = 0;
    int b = 0;
    for (int r : rows) {
      if (bins[r] <= bin) l[a++] = r;
      else rr[b++] = r;
    }
    return new int[][] {l, rr};
  }
}
