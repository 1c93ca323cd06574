package io.lianbang.vertical.boost;

import java.util.List;

/**
 * A boosted binary classifier: margin = initScore + Σ trees' leaf weights, probability =
 * sigmoid(margin). The guest's SecureBoost model names host splits by (host, record) only; a model
 * of {@link GbdtReference} has local splits only.
 *
 * @param initScore the initial margin, the log-odds of the training base rate
 * @param trees the trees in boosting order
 */
public record BoostModel(double initScore, List<BoostTree> trees) {
  /** Copies the tree list. */
  public BoostModel {
    trees = List.copyOf(trees);
  }

  /**
   * The margin of {@code row} (features of the model's holder).
   *
   * @throws IllegalStateException if a path reaches a host split: use SecureBoostPredictGuest
   */
  public double margin(double[] row) {
    double s = initScore;
    for (BoostTree t : trees) {
      TreeNode n = t.nodes().get(0);
      while (!n.isLeaf()) {
        if (n.kind() == TreeNode.Kind.HOST_SPLIT) {
          throw new IllegalStateException("the path reaches a split of " + n.host() + " (record " + n.record() + "); predict with the hosts");
        }
        n = t.nodes().get(row[n.feature()] <= n.threshold() ? n.left() : n.right());
      }
      s += n.weight();
    }
    return s;
  }

  /** The probabilities of class 1 of {@code rows} (local splits only). */
  public double[] predict(double[][] rows) {
    double[] p = new double[rows.length];
    for (int r = 0; r < rows.length; r++) p[r] = Logistic.sigmoid(margin(rows[r]));
    return p;
  }
}
