package io.lianbang.vertical.lr;

import java.util.List;

/**
 * A host's share of a trained model: the weights of its own features.
 *
 * @param featureNames the host's feature names, in weight order
 * @param weights one weight per host feature
 * @param iterations the iterations run
 * @param converged whether the arbiter declared convergence before {@code maxIter}
 */
public record HeteroLrHostModel(List<String> featureNames, double[] weights, int iterations, boolean converged) {
  /** Copies the arrays and checks the shapes. */
  public HeteroLrHostModel {
    featureNames = List.copyOf(featureNames);
    weights = weights.clone();
    if (weights.length != featureNames.size()) throw new IllegalArgumentException("weights has " + weights.length + " entries, featureNames " + featureNames.size());
  }

  /** w_h·x for one row of the host's features. */
  public double partialScore(double[] x) {
    if (x.length != weights.length) throw new IllegalArgumentException("row has " + x.length + " features, the model " + weights.length);
    double s = 0;
    for (int j = 0; j < x.length; j++) s += weights[j] * x[j];
    return s;
  }
}
