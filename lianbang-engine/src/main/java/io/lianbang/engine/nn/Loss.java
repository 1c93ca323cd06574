package io.lianbang.engine.nn;

import io.lianbang.engine.data.Dataset;

/**
 * A training loss over a batch of network outputs ({@code n × width}, row-major). The training
 * objective is the batch mean (PyTorch's {@code reduction='mean'}); evaluation sums per-example
 * losses in example order. Transcendental functions use {@link StrictMath} so that values are
 * identical in the interpreter, after JIT compilation and across JVMs.
 */
public abstract class Loss {
  Loss() {}

  /** Softmax cross-entropy with integer class labels ({@code nn.CrossEntropyLoss}). */
  public static Loss softmaxCrossEntropy() {
    return new SoftmaxCrossEntropy();
  }

  /** Binary cross-entropy on logits ({@code nn.BCEWithLogitsLoss}); targets are 0/1 labels or floats in [0, 1]. */
  public static Loss binaryCrossEntropyWithLogits() {
    return new BinaryCrossEntropy();
  }

  /** Mean squared error ({@code nn.MSELoss}), averaged over all output values. */
  public static Loss meanSquaredError() {
    return new MeanSquaredError();
  }

  /**
   * Sum over the batch of the per-example loss; if {@code grad} is not null, also writes the
   * gradient of the batch-mean loss with respect to {@code out}.
   */
  abstract double lossSum(float[] out, int width, Batch batch, float[] grad);

  /** Number of correctly classified examples in the batch (0 for regression losses). */
  abstract long correct(float[] out, int width, Batch batch);

  /**
   * Checks that {@code data} suits this loss on a network with {@code width} outputs.
   *
   * @throws IllegalArgumentException describing the mismatch
   */
  abstract void check(Dataset data, int width);
}
