package io.lianbang.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lianbang.core.tensor.Parameters;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.kernel.Kernel;
import io.lianbang.engine.kernel.Kernels;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fused paths (ReLU in the dense product's epilogue, plain SGD applied inside the weight-gradient
 * product) give the same bits as the separate operations, for every kernel and thread count.
 */
class FusionTest {
  private static Parameters train(String spec, Kernel kernel, int threads, Dataset data, OptimizerConfig opt,
                                  int batch, boolean fused) {
    boolean fuse = Sequential.fuse;
    boolean fuseSgd = Model.fuseSgd;
    try {
      Sequential.fuse = fused;
      Model.fuseSgd = fused;
      ModelSpec s = ModelSpec.parse(spec);
      List<Layer> layers = s.kind() == ModelSpec.Kind.LENET ? Models.lenetLayers() : Models.mlpLayers(s.sizes());
      int[] shape = s.kind() == ModelSpec.Kind.LENET ? new int[] {1, 28, 28} : new int[] {784};
      Model m = new Model(spec, new Sequential(shape, layers, Init.PYTORCH_DEFAULT, 42),
          Loss.softmaxCrossEntropy(), kernel).threads(threads);
      LocalTraining.train(m, data, new TrainConfig(2, batch, opt, 7));
      return m.parameters();
    } finally {
      Sequential.fuse = fuse;
      Model.fuseSgd = fuseSgd;
    }
  }

  private static Kernel[] kernels() {
    return Kernels.vectorModulePresent()
        ? new Kernel[] {Kernels.scalar(), Kernels.vector()} : new Kernel[] {Kernels.scalar()};
  }

  private static Dataset flat(int n, long seed) {
    Dataset images = DeterminismTest.images(n, seed);
    return Dataset.classification(images.features(), new int[] {784}, images.labels(), 10);
  }

  @Test
  void fusedMlpTrainingMatchesSeparateLayersAndOptimizerStep() {
    Dataset data = flat(150, 11);
    OptimizerConfig sgd = OptimizerConfig.sgd(0.05);
    for (int batch : new int[] {10, 64}) {
      Parameters want = train("mlp:784-200-200-10", Kernels.scalar(), 1, data, sgd, batch, false);
      for (Kernel k : kernels()) {
        for (int t = 1; t <= 3; t++) {
          assertEquals(want, train("mlp:784-200-200-10", k, t, data, sgd, batch, true),
              k + " batch=" + batch + " threads=" + t);
        }
      }
    }
  }

  @Test
  void fusionIsSkippedForStatefulOptimizersWithTheSameResults() {
    Dataset data = flat(100, 12);
    OptimizerConfig momentum = OptimizerConfig.sgd(0.05, 0.9, 1e-4);
    Parameters want = train("mlp:784-33-17-10", Kernels.scalar(), 1, data, momentum, 10, false);
    for (Kernel k : kernels()) {
      assertEquals(want, train("mlp:784-33-17-10", k, 2, data, momentum, 10, true), k.toString());
    }
  }

  @Test
  void fusedLenetTrainingMatchesSeparateLayers() {
    Dataset data = DeterminismTest.images(40, 13);
    OptimizerConfig sgd = OptimizerConfig.sgd(0.05);
    Parameters want = train("lenet", Kernels.scalar(), 1, data, sgd, 16, false);
    for (Kernel k : kernels()) {
      for (int t = 1; t <= 2; t++) {
        assertEquals(want, train("lenet", k, t, data, sgd, 16, true), k + " threads=" + t);
      }
    }
  }
}
