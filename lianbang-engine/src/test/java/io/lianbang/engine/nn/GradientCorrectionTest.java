package io.lianbang.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.engine.data.Dataset;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * One SGD step with and without a correction: the difference must be exactly
 * {@code −lr·(μ·(w − anchor) + offset)}, whatever the loss gradient was. A 2-in, 3-out dense layer
 * checks that the stored-transposed weight is converted correctly.
 */
class GradientCorrectionTest {
  private static final double LR = 0.1;

  private static Model model() {
    return Models.create(ModelSpec.parse("linear:2-3"), Init.PYTORCH_DEFAULT, 4);
  }

  private static Dataset data() {
    return Dataset.regression(new float[] {1, 2, -1, 0.5f}, new int[] {2}, new float[] {0.5f, -1, 2, 1, 0, -0.5f}, 3);
  }

  private static float[] step(GradientCorrection c) {
    Model m = model();
    LocalTraining.train(m, data(), new TrainConfig(1, 2, OptimizerConfig.sgd(LR), 1), c);
    return m.parameters().flatten();
  }

  private static Parameters filled(Parameters layout, float start, float inc) {
    float[] v = new float[(int) layout.elementCount()];
    for (int i = 0; i < v.length; i++) v[i] = start + inc * i;
    return Parameters.unflatten(layout.shapes(), v);
  }

  @Test
  void proximalTermAddsMuTimesDistanceToTheAnchor() {
    Parameters w0 = model().parameters();
    Parameters anchor = filled(w0, -0.3f, 0.05f);
    float[] plain = step(null);
    float[] prox = step(GradientCorrection.proximal(0.5, anchor));
    float[] w = w0.flatten();
    float[] a = anchor.flatten();
    for (int i = 0; i < w.length; i++) {
      assertEquals(-LR * 0.5 * (w[i] - a[i]), prox[i] - plain[i], 1e-6, "value " + i);
    }
  }

  @Test
  void offsetStepMovesEveryWeight() {
    Parameters offset = filled(model().parameters(), 1f, -0.25f);
    float[] plain = step(null);
    float[] shifted = step(GradientCorrection.offset(offset, LR));
    float[] o = offset.flatten();
    for (int i = 0; i < o.length; i++) assertEquals(-LR * o[i], shifted[i] - plain[i], 1e-6, "value " + i);
  }

  /**
   * SCAFFOLD's offset must stay outside the optimizer: with momentum and weight decay, training
   * with the correction must equal, bit for bit, plain optimizer steps each followed by
   * {@code w ← w − η·offset}, the momentum buffer never seeing the offset. Routing the offset
   * through the gradient instead would let momentum amplify it up to 1/(1 − 0.9) = 10-fold.
   */
  @Test
  void offsetStaysOutsideMomentum() {
    int epochs = 6;
    OptimizerConfig sgd = OptimizerConfig.sgd(LR, 0.9, 1e-3);
    Parameters offset = filled(model().parameters(), 0.4f, -0.15f);
    Model corrected = model();
    LocalTraining.train(corrected, data(), new TrainConfig(epochs, 2, sgd, 7), GradientCorrection.offset(offset, LR));

    Model reference = model();
    Dataset data = data();
    Optimizer optimizer = sgd.create();
    SplittableRandom rng = new SplittableRandom(7);
    int[] order = new int[data.size()];
    float[] o = offset.flatten();
    for (int epoch = 0; epoch < epochs; epoch++) {
      LocalTraining.shuffle(order, rng);
      reference.trainBatch(data, order, 0, order.length, optimizer);
      float[] w = reference.parameters().flatten();
      for (int i = 0; i < w.length; i++) w[i] -= (float) LR * o[i];
      reference.load(Parameters.unflatten(offset.shapes(), w));
    }
    assertArrayEquals(reference.parameters().flatten(), corrected.parameters().flatten());
  }

  @Test
  void mismatchedTensorsAreRejected() {
    Parameters wrong = Parameters.of(Tensor.vector(1, 2));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> step(GradientCorrection.offset(wrong, LR)));
    assertEquals("gradient offset has 1 tensors, model linear:2-3 has 2", e.getMessage());
  }
}
