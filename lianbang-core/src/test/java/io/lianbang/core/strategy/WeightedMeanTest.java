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
    for (Strategy s : List.of(settings().build(), new FedAvgM(settings(), 1, 0.9), new FedProx(settings(), 0.1),
        new FedAdam(settings(), 0.1, 0.9, 0.99, 1e-3), new FedYogi(settings(), 0.1, 0.9, 0.99, 1e-3),
        new FedAdagrad(settings(), 0.1, 0.9, 1e-3))) {
      assertTrue(s.aggregatesWeightedMean(), s.toString());
      WeightedMean.require(s, "secure aggregation");
    }
  }

  @Test
  void strategiesThatNeedIndividualUpdatesOrOtherWeightsDoNot() {
    for (Strategy s : List.of(new FedMedian(settings()), new FedTrimmedAvg(settings(), 0.2), new Krum(settings(), 1, 1, 1),
        new Bulyan(settings(), 1, 1), new FedNova(settings(), 0), new QFedAvg(settings(), 1, 0.1),
        new Scaffold(settings(), 1), new FirstResultWins(), new NormBounded(settings().build(), 1))) {
      assertFalse(s.aggregatesWeightedMean(), s.toString());
    }
  }

  @Test
  void requireNamesTheDecoratorAndTheStrategy() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WeightedMean.require(new FedMedian(settings()), "privacy.secagg"));
    assertEquals("privacy.secagg cannot wrap strategy FedMedian: it only sees the weighted mean of the updates, and this"
        + " strategy needs every individual update (use FedAvg or a strategy built on its weighted mean, e.g. FedAvgM,"
        + " FedAdam, FedYogi, FedAdagrad, FedProx)", e.getMessage());
  }
}
