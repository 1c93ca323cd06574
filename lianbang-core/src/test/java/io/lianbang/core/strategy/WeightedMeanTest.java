package io.lianbang.core.strategy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.strategy.robust.Bulyan;
import io.lianbang.core.strategy.robust.FedMedian;
import io.lianbang.core.strategy.robust.FedTrimmedAvg;
import io.lianbang.core.strategy.robust.Krum;
import io.lianbang.core.strategy.robust.NormBounded;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The weighted-mean capability is opted into explicitly, and the check names what refuses what. */
class WeightedMeanTest {
  private static FedAvg.Builder settings() {
    return FedAvg.builder().minFitClients(2).minAvailableClients(2);
  }

  /** A FedAvg subclass that changes the aggregation and does not opt in. */
  private static final class FirstResultWins extends FedAvg {
    FirstResultWins() {
      super(settings());
    }
  }

  @Test
  void fedAvgAndTheStrategiesBuiltOnItsMeanOptIn() {
    for (Strategy s : List.of(settings().build(),
        FedAvgM.builder().settings(settings()).serverLr(1).momentum(0.9).build(),
        FedProx.builder().settings(settings()).mu(0.1).build(),
        FedAdam.builder().settings(settings()).eta(0.1).beta1(0.9).beta2(0.99).tau(1e-3).build(),
        FedYogi.builder().settings(settings()).eta(0.1).beta1(0.9).beta2(0.99).tau(1e-3).build(),
        FedAdagrad.builder().settings(settings()).eta(0.1).beta1(0.9).tau(1e-3).build())) {
      assertTrue(s.aggregatesWeightedMean(), s.toString());
      WeightedMean.require(s, "secure aggregation");
    }
  }

  @Test
  void strategiesThatNeedIndividualUpdatesOrOtherWeightsDoNot() {
    for (Strategy s : List.of(FedMedian.builder().settings(settings()).build(),
        FedTrimmedAvg.builder().settings(settings()).beta(0.2).build(),
        Krum.builder().settings(settings()).f(1).m(1).threads(1).build(),
        Bulyan.builder().settings(settings()).f(1).threads(1).build(),
        FedNova.builder().settings(settings()).localMomentum(0).build(),
        QFedAvg.builder().settings(settings()).q(1).learningRate(0.1).build(),
        Scaffold.builder().settings(settings()).serverLr(1).build(),
        new FirstResultWins(), new NormBounded(settings().build(), 1))) {
      assertFalse(s.aggregatesWeightedMean(), s.toString());
    }
  }

  @Test
  void requireNamesTheDecoratorAndTheStrategy() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WeightedMean.require(FedMedian.builder().settings(settings()).build(), "privacy.secagg"));
    assertEquals("privacy.secagg cannot wrap strategy FedMedian: it only sees the weighted mean of the updates, and this"
        + " strategy needs every individual update (use FedAvg or a strategy built on its weighted mean, e.g. FedAvgM,"
        + " FedAdam, FedYogi, FedAdagrad, FedProx)", e.getMessage());
  }
}
