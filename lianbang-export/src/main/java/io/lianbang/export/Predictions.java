package io.lianbang.export;

import io.lianbang.engine.nn.ModelSpec;

/**
 * From an engine model's raw outputs ({@code n × width} logits, row-major) to what a user reads:
 * the predicted class, chosen as the engine's evaluation chooses it (the first largest logit; for
 * {@code logistic}, class 1 when the logit is positive), and the class probabilities, as the ONNX
 * export's {@value OnnxExport#PROBABILITIES} output computes them.
 */
public final class Predictions {
  private Predictions() {}

  /** The predicted class of row {@code row}. */
  public static int predictedClass(ModelSpec.Kind kind, float[] out, int width, int row) {
    if (kind == ModelSpec.Kind.LOGISTIC) return out[row * width] > 0 ? 1 : 0;
    int best = 0;
    for (int j = 1; j < width; j++) if (out[row * width + j] > out[row * width + best]) best = j;
    return best;
  }

  /**
   * The probabilities, in the layout of {@code out}: the logistic function of each logit for
   * {@code logistic}, the softmax of each row otherwise.
   *
   * @throws IllegalArgumentException for {@code linear}, which has no classes
   */
  public static float[] probabilities(ModelSpec.Kind kind, float[] out, int width) {
    if (kind == ModelSpec.Kind.LINEAR) throw new IllegalArgumentException("model linear is a regression: it has no class probabilities");
    float[] p = new float[out.length];
    if (kind == ModelSpec.Kind.LOGISTIC) {
      for (int i = 0; i < out.length; i++) p[i] = (float) (1 / (1 + StrictMath.exp(-(double) out[i])));
      return p;
    }
    for (int row = 0; row + width <= out.length; row += width) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < width; j++) max = Math.max(max, out[row + j]);
      double sum = 0;
      for (int j = 0; j < width; j++) sum += StrictMath.exp(out[row + j] - max);
      for (int j = 0; j < width; j++) p[row + j] = (float) (StrictMath.exp(out[row + j] - max) / sum);
    }
    return p;
  }
}
