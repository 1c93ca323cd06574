package io.lianbang.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lianbang.engine.data.Dataset;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

class LossTest {
  private static Batch labels(int... y) {
    Batch b = new Batch();
    b.labels = y.clone();
    b.n = y.length;
    b.classification = true;
    return b;
  }

  private static Batch targets(int n, float... t) {
    Batch b = new Batch();
    b.targets = t.clone();
    b.n = n;
    return b;
  }

  @Test
  void softmaxCrossEntropyOfKnownLogitsMatchesHandComputedValue() {
    // log(e^1 + e^2 + e^3) - 1 = 2.4076059644443806
    float[] logits = {1f, 2f, 3f};
    double loss = Loss.softmaxCrossEntropy().lossSum(logits, 3, labels(0), null);
    assertEquals(2.4076059644443806, loss, 1e-12);
    // label 2: log(e^1 + e^2 + e^3) - 3
    assertEquals(0.40760596444438, Loss.softmaxCrossEntropy().lossSum(logits, 3, labels(2), null), 1e-12);
    // huge logits stay finite (max subtraction)
    assertEquals(0.0, Loss.softmaxCrossEntropy().lossSum(new float[] {1000f, 0f}, 2, labels(0), null), 1e-12);
  }

  @Test
  void bceAndMseOfKnownValues() {
    // z = 0: log 2 for either target
    assertEquals(Math.log(2), Loss.binaryCrossEntropyWithLogits().lossSum(new float[] {0f}, 1, labels(1), null), 1e-12);
    // z = 2, t = 0: log(1 + e^2)
    assertEquals(Math.log1p(Math.exp(2)), Loss.binaryCrossEntropyWithLogits().lossSum(new float[] {2f}, 1, labels(0), null), 1e-12);
    // mean over width: ((1-0)^2 + (3-1)^2) / 2 = 2.5
    assertEquals(2.5, Loss.meanSquaredError().lossSum(new float[] {1f, 3f}, 2, targets(1, 0f, 1f), null), 1e-12);
  }

  private static void gradientCheck(Loss loss, int n, int width, Batch batch, ToDoubleFunction<double[]> meanLoss) {
    SplittableRandom r = new SplittableRandom(n * 31L + width);
    float[] out = new float[n * width];
    for (int i = 0; i < out.length; i++) out[i] = (float) (r.nextDouble() * 4 - 2);
    float[] grad = new float[out.length];
    double sum = loss.lossSum(out, width, batch, grad);
    double[] od = GradientCheckTest.toDouble(out, out.length);
    assertEquals(meanLoss.applyAsDouble(od), sum / n, 1e-6, loss + " value");
    for (int i = 0; i < od.length; i++) {
      double saved = od[i];
      od[i] = saved + 1e-6;
      double plus = meanLoss.applyAsDouble(od);
      od[i] = saved - 1e-6;
      double minus = meanLoss.applyAsDouble(od);
      od[i] = saved;
      assertEquals((plus - minus) / 2e-6, grad[i], 1e-5, loss + " grad[" + i + "]");
    }
  }

  @Test
  void softmaxCrossEntropyGradient() {
    int[] y = {0, 3, 2};
    gradientCheck(Loss.softmaxCrossEntropy(), 3, 4, labels(y), z -> {
      double total = 0;
      for (int i = 0; i < 3; i++) {
        double s = 0;
        for (int j = 0; j < 4; j++) s += Math.exp(z[i * 4 + j]);
        total += Math.log(s) - z[i * 4 + y[i]];
      }
      return total / 3;
    });
  }

  @Test
  void binaryCrossEntropyGradient() {
    int[] y = {0, 1, 1, 0};
    gradientCheck(Loss.binaryCrossEntropyWithLogits(), 4, 1, labels(y), z -> {
      double total = 0;
      for (int i = 0; i < 4; i++) {
        double p = 1 / (1 + Math.exp(-z[i]));
        total += -(y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p));
      }
      return total / 4;
    });
  }

  @Test
  void meanSquaredErrorGradient() {
    float[] t = {0.5f, -1f, 2f, 0f, 1f, 3f};
    gradientCheck(Loss.meanSquaredError(), 3, 2, targets(3, t), z -> {
      double total = 0;
      for (int i = 0; i < 6; i++) total += (z[i] - t[i]) * (z[i] - t[i]);
      return total / 6;
    });
  }

  /**
   * The exact bits of the per-value formulas, summed per example in value order: BCE
   * {@code max(z,0) − z·t + log1p(exp(−|z|))} with gradient {@code (sigmoid(z) − t)·(1/(n·w))}, and
   * MSE {@code (y − t)²} with gradient {@code (y − t)·(2/(n·w))}.
   */
  @Test
  void bceAndMseAreBitExactAgainstTheirFormulas() {
    SplittableRandom r = new SplittableRandom(9);
    int n = 5, w = 3;
    float[] z = new float[n * w];
    float[] t = new float[n * w];
    for (int e = 0; e < z.length; e++) {
      z[e] = (float) (r.nextDouble() * 8 - 4);
      t[e] = (float) r.nextDouble();
    }
    double bce = 0, mse = 0;
    float[] bceGrad = new float[z.length];
    float[] mseGrad = new float[z.length];
    for (int i = 0; i < n; i++) {
      double bceExample = 0, mseExample = 0;
      for (int j = 0; j < w; j++) {
        int e = i * w + j;
        double x = z[e];
        double y = t[e];
        bceExample += Math.max(x, 0) - x * y + StrictMath.log1p(StrictMath.exp(-Math.abs(x)));
        double s = x >= 0 ? 1 / (1 + StrictMath.exp(-x)) : StrictMath.exp(x) / (1 + StrictMath.exp(x));
        bceGrad[e] = (float) ((s - y) * (1.0 / (n * w)));
        double d = x - y;
        mseExample += d * d;
        mseGrad[e] = (float) (d * (2.0 / (n * w)));
      }
      bce += bceExample / w;
      mse += mseExample / w;
    }
    float[] grad = new float[z.length];
    assertEquals(bce, Loss.binaryCrossEntropyWithLogits().lossSum(z, w, targets(n, t), grad));
    assertArrayEquals(bceGrad, grad);
    assertEquals(mse, Loss.meanSquaredError().lossSum(z, w, targets(n, t), grad));
    assertArrayEquals(mseGrad, grad);
  }

  @Test
  void lossesRejectUnsuitableDatasets() {
    Dataset regression = Dataset.regression(new float[4], new int[] {2}, new float[2], 1);
    Dataset classes = Dataset.classification(new float[4], new int[] {2}, new int[] {0, 2}, 3);
    assertThrows(IllegalArgumentException.class, () -> Loss.softmaxCrossEntropy().check(regression, 1));
    assertThrows(IllegalArgumentException.class, () -> Loss.softmaxCrossEntropy().check(classes, 2));
    assertThrows(IllegalArgumentException.class, () -> Loss.binaryCrossEntropyWithLogits().check(classes, 1));
    assertThrows(IllegalArgumentException.class, () -> Loss.meanSquaredError().check(classes, 1));
  }
}
