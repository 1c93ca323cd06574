package io.lianbang.engine.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.engine.data.Dataset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ModelTest {
  @Test
  void specsParseAndPrint() {
    assertEquals(new ModelSpec(ModelSpec.Kind.MLP, List.of(784, 200, 200, 10)), ModelSpec.parse("mlp:784-200-200-10"));
    assertEquals("lenet", ModelSpec.parse(" LeNet ").toString());
    assertEquals("softmax:784-10", ModelSpec.parse("softmax:784-10").toString());
    assertEquals(List.of(13), ModelSpec.parse("linear:13").sizes());
    assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("mlp:784"));
    assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("logistic:30-2"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("mlp:784-x-10"));
    assertTrue(e.getMessage().contains("\"x\""), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("resnet:1"));
    assertTrue(e.getMessage().contains("resnet"), e.getMessage());
  }

  @Test
  void hugeSpecsAreRefusedBeforeAllocating() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Models.create("mlp:784-1000000-1000000-10", 1));
    assertTrue(e.getMessage().contains("has 1000796000010 parameters, more than the limit of 50000000"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Models.create("linear:2000000000-2000000000", 1));
    assertTrue(e.getMessage().contains("more than the limit of 50000000"), e.getMessage());
    assertEquals(ModelSpec.MAX_PARAMETERS, ModelSpec.parse("linear:" + (ModelSpec.MAX_PARAMETERS - 1)).sizes().get(0) + 1L);

    String deep = "mlp:" + "1-".repeat(1_000_000) + "1"; // 2 MB
    e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse(deep));
    assertTrue(e.getMessage().contains("more than 64 sizes") && e.getMessage().length() < 300, e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse("resnet:" + "x".repeat(2 << 20)));
    assertTrue(e.getMessage().contains("(2097159 characters)") && e.getMessage().length() < 400, e.getMessage().length() + " characters");
  }

  @Test
  void parameterLayoutIsDocumentedPyTorchOrder() {
    Model lenet = Models.create("lenet", 1);
    assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias",
        "9.weight", "9.bias", "11.weight", "11.bias"), lenet.parameterNames());
    List<int[]> shapes = lenet.parameters().shapes();
    assertArrayEquals(new int[] {6, 1, 5, 5}, shapes.get(0));
    assertArrayEquals(new int[] {16, 6, 5, 5}, shapes.get(2));
    assertArrayEquals(new int[] {120, 400}, shapes.get(4));
    assertArrayEquals(new int[] {10, 84}, shapes.get(8));
    assertEquals(61_706, lenet.parameters().elementCount());
    Model mlp = Models.create("mlp:784-200-200-10", 1);
    assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"), mlp.parameterNames());
    assertArrayEquals(new int[] {200, 784}, mlp.parameters().tensor(0).shape());
  }

  @Test
  void pytorchDefaultInitIsUniformWithinOneOverSqrtFanIn() {
    Parameters p = Models.create("mlp:400-300-10", 3).parameters();
    float bound = (float) (1 / Math.sqrt(400));
    float max = 0;
    for (int i = 0; i < p.tensor(0).size(); i++) max = Math.max(max, Math.abs(p.tensor(0).get(i)));
    assertTrue(max <= bound && max > 0.99f * bound, "max |w| " + max + " vs bound " + bound);
    assertEquals(Models.create("mlp:400-300-10", 3).parameters(), p, "same seed, same weights");
    assertNotEquals(Models.create("mlp:400-300-10", 4).parameters(), p);
  }

  @Test
  void heNormalHasTheRightSpread() {
    Model m = Models.create(ModelSpec.parse("mlp:500-400-10"), Init.HE_NORMAL, 5);
    Tensor w = m.parameters().tensor(0);
    double ss = 0;
    for (int i = 0; i < w.size(); i++) ss += (double) w.get(i) * w.get(i);
    assertEquals(2.0 / 500, ss / w.size(), 0.05 * 2.0 / 500);
    assertEquals(0f, m.parameters().tensor(1).get(0));
  }

  @Test
  void loadRoundTripsAndNamesTheBadTensor() {
    Model a = Models.create("mlp:20-7-3", 1);
    Model b = Models.create("mlp:20-7-3", 2);
    b.load(a.parameters());
    assertEquals(a.parameters(), b.parameters());
    List<Tensor> ts = new ArrayList<>(a.parameters().tensors());
    ts.set(2, Tensor.zeros(7, 3));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.load(Parameters.of(ts)));
    assertTrue(e.getMessage().contains("2.weight") && e.getMessage().contains("[3, 7]")
        && e.getMessage().contains("[7, 3]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> b.load(Parameters.of(ts.subList(0, 3))));
    assertEquals(a.parameters(), b.parameters(), "failed load leaves the model unchanged");
  }

  @Test
  void datasetShapeMismatchIsReported() {
    Model m = Models.create("softmax:5-3", 1);
    Dataset d = Dataset.classification(new float[8], new int[] {4}, new int[] {0, 1}, 3);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.evaluate(d));
    assertTrue(e.getMessage().contains("5 features"), e.getMessage());
  }

  @Test
  void mlpLearnsXor() {
    float[] x = {0, 0, 0, 1, 1, 0, 1, 1};
    int[] y = {0, 1, 1, 0};
    Dataset xor = Dataset.classification(x, new int[] {2}, y, 2);
    Model m = Models.create("mlp:2-16-2", 3);
    TrainResult r = LocalTraining.train(m, xor, new TrainConfig(300, 4, OptimizerConfig.adam(0.05, 0), 1));
    assertEquals(1200, r.examplesSeen());
    Evaluation e = m.evaluate(xor);
    assertEquals(4, e.correct(), "XOR accuracy, mean loss " + e.meanLoss());
    assertTrue(e.meanLoss() < 0.1, "loss " + e.meanLoss());
  }

  @Test
  void logisticRegressionSeparatesTwoBlobs() {
    SplittableRandom r = new SplittableRandom(1);
    int n = 400, f = 30;
    float[] x = new float[n * f];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 2;
      for (int j = 0; j < f; j++) x[i * f + j] = (float) (r.nextGaussian() + (y[i] == 1 ? 1.0 : -1.0) * (j < 3 ? 1 : 0));
    }
    Dataset d = Dataset.classification(x, new int[] {f}, y, 2);
    Model m = Models.create("logistic:30", 2);
    double before = m.evaluate(d).meanLoss();
    LocalTraining.train(m, d, new TrainConfig(20, 16, OptimizerConfig.sgd(0.1, 0.9, 0), 3));
    Evaluation e = m.evaluate(d);
    assertTrue(e.accuracy() > 0.95, "accuracy " + e.accuracy());
    assertTrue(e.meanLoss() < before, "loss " + before + " -> " + e.meanLoss());
  }

  @Test
  void linearRegressionRecoversCoefficients() {
    SplittableRandom r = new SplittableRandom(2);
    int n = 256, f = 3;
    float[] x = new float[n * f];
    float[] t = new float[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < f; j++) x[i * f + j] = (float) (r.nextDouble() * 2 - 1);
      t[i] = 2 * x[i * f] - 3 * x[i * f + 1] + 0.5f * x[i * f + 2] + 1;
    }
    Dataset d = Dataset.regression(x, new int[] {f}, t, 1);
    Model m = Models.create("linear:3", 1);
    LocalTraining.train(m, d, new TrainConfig(200, 32, OptimizerConfig.sgd(0.1), 1));
    Tensor w = m.parameters().tensor(0);
    assertEquals(2, w.get(0), 1e-3);
    assertEquals(-3, w.get(1), 1e-3);
    assertEquals(0.5, w.get(2), 1e-3);
    assertEquals(1, m.parameters().tensor(1).get(0), 1e-3);
    assertEquals(0, m.evaluate(d).meanLoss(), 1e-6);
  }

  @Test
  void trainingKeepsThePartialLastBatchAndReshufflesEachEpoch() {
    Dataset d = DeterminismTest.images(25, 1);
    Model m = Models.create("softmax:784-10", 1);
    TrainResult r = LocalTraining.train(m, d, new TrainConfig(3, 10, OptimizerConfig.sgd(0.01), 1));
    assertEquals(75, r.examplesSeen());
    int[] a = new int[25];
    int[] b = new int[25];
    SplittableRandom rng = new SplittableRandom(1);
    LocalTraining.shuffle(a, rng);
    LocalTraining.shuffle(b, rng);
    assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(b));
    int[] sorted = a.clone();
    java.util.Arrays.sort(sorted);
    for (int i = 0; i < 25; i++) assertEquals(i, sorted[i]);
  }

  @Test
  void trainConfigValidatesWithFieldNames() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new TrainConfig(0, 10, OptimizerConfig.sgd(0.1), 1));
    assertEquals("train epochs must be >= 1, got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new TrainConfig(1, 0, OptimizerConfig.sgd(0.1), 1));
    assertEquals("train batchSize must be >= 1, got 0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Models.create("mlp:4-3", 1).threads(0));
  }
}
