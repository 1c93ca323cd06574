package io.lianbang.engine.nn;

import io.lianbang.engine.data.Dataset;

/**
 * Mean squared error averaged over all {@code n·width} values, gradient
 * {@code 2(y − t) / (n·width)}; the per-example loss is the mean over its {@code width} values.
 */
final class MeanSquaredError extends Loss {
  @Override
  double lossSum(float[] out, int width, Batch batch, float[] grad) {
    double total = 0;
    double scale = 2.0 / ((double) batch.n * width);
    for (int i = 0; i < batch.n; i++) {
      double example = 0;
      for (int j = 0; j < width; j++) {
        int e = i * width + j;
        double d = (double) out[e] - batch.targets[e];
        example += d * d;
        if (grad != null) grad[e] = (float) (d * scale);
      }
      total += example / width;
    }
    return total;
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
