package io.lianbang.engine.nn;

/**
 * A loss that is a function of each output value and its target alone, averaged over all
 * {@code n·width} values; the per-example loss is the mean over its {@code width} values. Targets
 * are the example's label (classification, {@code width} 1) or its float targets (regression).
 */
abstract class ElementwiseLoss extends Loss {
  private final double gradientFactor;

  /** @param gradientFactor the constant factor of the derivative, applied together with the mean's {@code 1/(n·width)} */
  ElementwiseLoss(double gradientFactor) {
    this.gradientFactor = gradientFactor;
  }

  /** The loss of output {@code z} against target {@code t}. */
  abstract double value(double z, double t);

  /** The derivative of {@link #value} in {@code z}, divided by the gradient factor. */
  abstract double gradient(double z, double t);

  @Override
  final double lossSum(float[] out, int width, Batch batch, float[] grad) {
    double total = 0;
    double scale = gradientFactor / ((double) batch.n * width);
    for (int i = 0; i < batch.n; i++) {
      double example = 0;
      for (int j = 0; j < width; j++) {
        int e = i * width + j;
        double z = out[e];
        double t = target(batch, i, j, width);
        example += value(z, t);
        if (grad != null) grad[e] = (float) (gradient(z, t) * scale);
      }
      total += example / width;
    }
    return total;
  }

  /** The target of value {@code j} of example {@code i}. */
  static double target(Batch batch, int i, int j, int width) {
    return batch.classification ? batch.labels[i] : batch.targets[i * width + j];
  }
}
