package io.lianbang.core.strategy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.aggregate.ExactWeightedSum;
import io.lianbang.core.strategy.robust.FedMedian;
import io.lianbang.core.strategy.robust.NormBounded;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * FedAvg folds an edge aggregator's partial sum so that the tree's mean is the flat mean bit for
 * bit, whichever way the clients are split; a partial sum must hold a term and weigh its
 * numExamples.
 */
class PartialSumFoldTest {
  @Test
  void partialSumsOfAnySplitGiveTheFlatMeanBitForBit() {
    SplittableRandom rng = new SplittableRandom(5);
    Parameters global = model(rng, 1f);
    List<Parameters> models = new ArrayList<>();
    List<Long> weights = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      models.add(model(rng, (float) Math.pow(10, rng.nextInt(-3, 4))));
      weights.add(1L + rng.nextInt(5000));
    }
    FedAvg fedAvg = FedAvg.builder().build();
    FitAggregation flat = fedAvg.beginFit(context(global));
    for (int i = 0; i < models.size(); i++) flat.accept("c" + i, new FitResult(models.get(i), weights.get(i), Metrics.empty()));
    float[] expected = flat.complete(List.of()).parameters().orElseThrow().flatten();
    for (int[] split : new int[][] {{0, 9}, {0, 4, 9}, {0, 1, 2, 5, 9}, {0, 3, 6, 9}}) {
      FitAggregation tree = fedAvg.beginFit(context(global));
      for (int e = 0; e + 1 < split.length; e++) {
        ExactWeightedSum edge = new ExactWeightedSum(global);
        for (int i = split[e]; i < split[e + 1]; i++) edge.add(models.get(i), weights.get(i));
        tree.accept("edge" + e, FitResult.ofPartialSum(edge, Metrics.empty()));
      }
      assertArrayEquals(bits(expected), bits(tree.complete(List.of()).parameters().orElseThrow().flatten()));
    }
  }

  @Test
  void aPartialSumMustHoldATermAndWeighItsExamples() {
    Parameters p = model(new SplittableRandom(1), 1f);
    assertThrows(IllegalArgumentException.class, () -> FitResult.ofPartialSum(new ExactWeightedSum(p), Metrics.empty()));
    ExactWeightedSum s = new ExactWeightedSum(p);
    s.add(p, 3);
    assertThrows(IllegalArgumentException.class, () -> new FitResult(p, 4, Metrics.empty(), s.state()));
  }

  @Test
  void onlyFedAvgsExactAggregationTakesPartialSums() {
    assertTrue(FedAvg.builder().build().foldsPartialSums());
    assertTrue(FedAvgM.builder().build().foldsPartialSums());
    assertTrue(FedProx.builder().build().foldsPartialSums());
    // a decorator aggregates on its own and would count an edge as one client
    assertFalse(new NormBounded(FedAvg.builder().build(), 1.0).foldsPartialSums());
    assertFalse(FedMedian.builder().build().foldsPartialSums());
  }

  private static RoundContext context(Parameters global) {
    return new RoundContext(1, global, List.of(), List.of(), new SplittableRandom(0));
  }

  private static Parameters model(SplittableRandom rng, float scale) {
    float[] w = new float[12];
    for (int i = 0; i < w.length; i++) w[i] = (float) (rng.nextGaussian() * scale);
    return Parameters.of(Tensor.of(new int[] {3, 4}, w), Tensor.vector(scale, -scale));
  }

  private static int[] bits(float[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) out[i] = Float.floatToRawIntBits(v[i]);
    return out;
  }
}
