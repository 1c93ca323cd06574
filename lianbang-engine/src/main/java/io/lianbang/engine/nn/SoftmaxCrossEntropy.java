package io.lianbang.engine.nn;

import io.lianbang.engine.data.Dataset;

/**
 * Softmax cross-entropy: {@code loss = log Σ_j exp(z_j) − z_y}, computed stably in double after
 * subtracting the row maximum; gradient {@code (softmax(z) − onehot(y)) / n}.
 */
final class SoftmaxCrossEntropy extends Loss {
  @Override
  double lossSum(float[] out, int width, Batch batch, float[] grad) {
    double total = 0;
    double invN = 1.0 / batch.n;
    for (int i = 0; i < batch.n; i++) {
      int row = i * width;
      float max = out[row];
      for (int j = 1; j < width; j++) max = Math.max(max, out[row + j]);
      double sum = 0;
      for (int j = 0; j < width; j++) sum += StrictMath.exp((double) out[row + j] - max);
      double logSum = StrictMath.log(sum);
      int y = batch.labels[i];
      total += logSum - ((double) out[row + y] - max);
      if (grad != null) {
        for (int j = 0; j < width; j++) {
          double p = StrictMath.exp((double) out[row + j] - max - logSum);
          grad[row + j] = (float) ((p - (j == y ? 1.0 : 0.0)) * invN);
        }
      }
    }
    return total;
  }

  @Override
  long correct(float[] out, int width, Batch batch) {
    long c = 0;
    for (int i = 0; i < batch.n; i++) {
      int row = i * width;
      int best = 0;
      for (int j = 1; j < width; j++) if (out[row + j] > out[row + best]) best = j;
      if (best == batch.labels[i]) c++;
    }
    return c;
  }

  @Override
  void check(Dataset data, int width) {
    if (!data.isClassification()) {
      throw new IllegalArgumentException("softmax cross-entropy needs a classification dataset, got " + data);
    }
    if (data.numClasses() > width) {
      throw new IllegalArgumentException("softmax cross-entropy: dataset has " + data.numClasses()
          + " classes but the model has " + width + " outputs");
    }
  }

  @Override
  public String toString() {
    return "SoftmaxCrossEntropy";
  }
}
