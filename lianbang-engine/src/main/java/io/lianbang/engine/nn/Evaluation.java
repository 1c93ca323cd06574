package io.lianbang.engine.nn;

/**
 * The result of evaluating a model on a dataset.
 *
 * @param lossSum sum of per-example losses
 * @param correct number of correctly classified examples (0 for regression)
 * @param count   number of examples
 */
public record Evaluation(double lossSum, long correct, long count) {
  /** Mean loss per example (NaN if empty). */
  public double meanLoss() {
    return count == 0 ? Double.NaN : lossSum / count;
  }

  /** Fraction classified correctly (NaN if empty). */
  public double accuracy() {
    return count == 0 ? Double.NaN : (double) correct / count;
  }
}
