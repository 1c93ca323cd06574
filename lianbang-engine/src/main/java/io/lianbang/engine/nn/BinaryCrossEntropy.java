package io.lianbang.engine.nn;

import io.lianbang.engine.data.Dataset;

/**
 * Binary cross-entropy on logits, per value {@code max(z,0) − z·t + log(1 + exp(−|z|))}
 * (numerically stable), averaged over all {@code n·width} values; gradient
 * {@code (sigmoid(z) − t) / (n·width)}. Targets are the 0/1 labels of a two-class dataset
 * ({@code width} must be 1) or the float targets of a regression dataset.
 */
final class BinaryCrossEntropy extends ElementwiseLoss {
  BinaryCrossEntropy() {
    super(1.0);
  }

  @Override
  double value(double z, double t) {
    return Math.max(z, 0) - z * t + StrictMath.log1p(StrictMath.exp(-Math.abs(z)));
  }

  /** {@code sigmoid(z) − t}. */
  @Override
  double gradient(double z, double t) {
    double s = z >= 0 ? 1 / (1 + StrictMath.exp(-z)) : StrictMath.exp(z) / (1 + StrictMath.exp(z));
    return s - t;
  }

  @Override
  long correct(float[] out, int width, Batch batch) {
    long c = 0;
    for (int i = 0; i < batch.n; i++) {
      boolean all = true;
      for (int j = 0; j < width; j++) {
        boolean predicted = out[i * width + j] > 0;
        boolean actual = target(batch, i, j, width) >= 0.5;
        all &= predicted == actual;
      }
      if (all) c++;
    }
    return c;
  }

  @Override
  void check(Dataset data, int width) {
    if (data.isClassification()) {
      if (width != 1 || data.numClasses() > 2) {
        throw new IllegalArgumentException("binary cross-entropy needs 1 output and at most 2 classes, got "
            + width + " outputs and " + data.numClasses() + " classes");
      }
    } else if (data.targetCount() != width) {
      throw new IllegalArgumentException("binary cross-entropy: dataset has " + data.targetCount()
          + " targets per example but the model has " + width + " outputs");
    }
  }

  @Override
  public String toString() {
    return "BinaryCrossEntropyWithLogits";
  }
}
