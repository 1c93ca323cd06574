package io.lianbang.vertical.lr;

import java.util.List;

/**
 * The guest's share of a trained model: the weights of its own features and the intercept.
 *
 * @param featureNames the guest's feature names, in weight order
 * @param weights one weight per guest feature
 * @param intercept the intercept (held by the guest only)
 * @param iterations the iterations run
 * @param converged whether the arbiter declared convergence before {@code maxIter}
 */
public record HeteroLrGuestModel(List<String> featureNames, double[] weights, double intercept, int iterations, boolean converged) {
  /** Copies the arrays and checks the shapes. */
  public HeteroLrGuestModel {
    featureNames = List.copyOf(featureNames);
    weights = weights.clone();
    if (weights.length != featureNames.size()) throw new IllegalArgumentException("weights has " + weights.length + " entries, featureNames " + featureNames.size());
  }

  /** w_g·x + b for one row of the guest's features. */
  public double partialScore(double[] x) {
    if (x.length != weights.length) throw new IllegalArgumentException("row has " + x.length + " features, the model " + weights.length);
    double s = intercept;
    for (int j = 0; j < x.length; j++) s += weights[j] * x[j];
    return s;
  }
}
