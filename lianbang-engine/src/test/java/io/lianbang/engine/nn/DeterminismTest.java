package io.lianbang.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lianbang.core.tensor.Parameters;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.kernel.Kernel;
import io.lianbang.engine.kernel.Kernels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Training results are bit-identical for every thread count, kernel and JIT state. */
class DeterminismTest {
  static Dataset images(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] x = new float[n * 784];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
    int[] y = new int[n];
    for (int i = 0; i < n; i++) y[i] = r.nextInt(10);
    return Dataset.classification(x, new int[] {1, 28, 28}, y, 10);
  }

  private static Parameters train(String spec, Kernel kernel, int threads, Dataset data, OptimizerConfig opt, int batch) {
    ModelSpec s = ModelSpec.parse(spec);
    Model m = new Model(spec, new Sequential(new int[] {1, 28, 28},
        s.kind() == ModelSpec.Kind.LENET ? Models.lenetLayers() : withFlatten(s), Init.PYTORCH_DEFAULT, 42), 
        Loss.softmaxCrossEntropy(), kernel).threads(threads);
    LocalTraining.train(m, data, new TrainConfig(1, batch, opt, 7));
    return m.parameters();
  }

  private static java.util.List<Layer> withFlatten(ModelSpec s) {
    java.util.List<Layer> l = new java.util.ArrayList<>();
    l.add(Layers.flatten());
    l.addAll(Models.mlpLayers(s.sizes()));
    return l;
  }

  private static Kernel[] kernels() {
    return Kernels.vectorModulePresent()
        ? new Kernel[] {Kernels.scalar(), Kernels.vector()} : new Kernel[] {Kernels.scalar()};
  }

  @Test
  void mlpIsBitIdenticalForOneTwoThreeThreadsAndBothKernels() {
    Dataset data = images(150, 1);
    OptimizerConfig opt = OptimizerConfig.sgd(0.05, 0.9, 1e-4);
    Parameters want = train("mlp:784-200-200-10", Kernels.scalar(), 1, data, opt, 64);
    for (Kernel k : kernels()) {
      for (int t = 1; t <= 3; t++) {
        assertEquals(want, train("mlp:784-200-200-10", k, t, data, opt, 64), k + " threads=" + t);
      }
    }
  }

  @Test
  void lenetIsBitIdenticalForOneTwoThreeThreadsAndBothKernels() {
    Dataset data = images(40, 2);
    OptimizerConfig opt = OptimizerConfig.adam(1e-3, 0);
    Parameters want = train("lenet", Kernels.scalar(), 1, data, opt, 16);
    for (Kernel k : kernels()) {
      for (int t = 1; t <= 3; t++) {
        assertEquals(want, train("lenet", k, t, data, opt, 16), k + " threads=" + t);
      }
    }
  }

  @Test
  void firstCallMatchesCallAfterWarmup() {
    Dataset data = images(20, 3);
    OptimizerConfig opt = OptimizerConfig.sgd(0.05);
    Kernel k = Kernels.get();
    Parameters cold = train("mlp:784-33-17-10", k, 2, data, opt, 10);
    Dataset warm = images(2000, 4);
    train("mlp:784-33-17-10", k, 2, warm, opt, 10);
    train("mlp:784-33-17-10", k, 1, warm, opt, 10);
    assertEquals(cold, train("mlp:784-33-17-10", k, 2, data, opt, 10));
  }

  @Test
  void evaluationDoesNotDependOnThreads() {
    Dataset data = images(600, 5);
    Model a = Models.create("lenet", 9).threads(1);
    Model b = Models.create("lenet", 9).threads(3);
    assertEquals(a.evaluate(data), b.evaluate(data));
  }
}
