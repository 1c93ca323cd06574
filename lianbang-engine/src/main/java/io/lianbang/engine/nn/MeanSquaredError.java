package io.lianbang.engine.nn;

import io.lianbang.engine.data.Dataset;

/**
 * Mean squared error averaged over all {@code n·width} values, gradient
 * {@code 2(y − t) / (n·width)}; the per-example loss is the mean over its {@code width} values.
 */
final class MeanSquaredError extends ElementwiseLoss {
  MeanSquaredError() {
    super(2.0);
  }

  @Override
  double value(double z, double t) {
    double d = z - t;
    return d * d;
  }

  /** {@code y − t}, half the derivative. */
  @Override
  double gradient(double z, double t) {
    return z - t;
  }

  @Override
  long correct(float[] out, int width, Batch batch) {
    return 0;
  }

  @Override
  void check(Dataset data, int width) {
    if (data.isClassification()) {
      throw new IllegalArgumentException("mean squared error needs a regression dataset, got " + data);
    }
    if (data.targetCount() != width) {
      throw new IllegalArgumentException("mean squared error: dataset has " + data.targetCount()
          + " targets per example but the model has " + width + " outputs");
    }
  }

  @Override
  public String toString() {
    return "MeanSquaredError";
  }
}
