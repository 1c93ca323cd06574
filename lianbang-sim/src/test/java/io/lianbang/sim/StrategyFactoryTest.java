package io.lianbang.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.strategy.robust.NormBounded;
import io.lianbang.core.task.Config;
import io.lianbang.engine.nn.OptimizerType;
import io.lianbang.sim.spec.StrategySpec;
import io.lianbang.sim.spec.TrainingSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StrategyFactoryTest {
  private static final TrainingSpec TRAINING = new TrainingSpec(1, 10, OptimizerType.SGD, 0.05, 0.9, 0);

  private static Strategy create(String name, int clients, Map<String, Double> params) {
    return StrategyFactory.create(new StrategySpec(name, clients, 0, 0.5, 60, params), TRAINING, Config.empty(), (r, p) -> null, 1);
  }

  private static String error(String name, int clients, Map<String, Double> params) {
    return assertThrows(IllegalArgumentException.class, () -> create(name, clients, params)).getMessage();
  }

  @Test
  void everyNamedStrategyBuildsWithItsDefaults() {
    for (String name : StrategySpec.NAMES) {
      Strategy s = create(name, 10, Map.of());
      assertEquals(10, s.minAvailableClients(), name);
    }
  }

  @Test
  void unknownNamesListTheValidOnes() {
    String m = assertThrows(IllegalArgumentException.class, () -> new StrategySpec("fedsgd", 10, 0, 0.5, 60, Map.of())).getMessage();
    assertTrue(m.startsWith("strategy.name must be one of fedavg, fedavgm, fedprox,"), m);
    assertTrue(m.endsWith(", got fedsgd"), m);
  }

  @Test
  void invalidHyperParametersNameParameterValueAndRange() {
    assertEquals("strategy.params.beta must be in [0, 0.5), got 0.7", error("trimmed_mean", 10, Map.of("beta", 0.7)));
    assertEquals("strategy.params.tau must be > 0, got 0.0", error("fedadam", 10, Map.of("tau", 0.0)));
    assertEquals("strategy.params.tau must be > 0, got -1.0", error("fedyogi", 10, Map.of("tau", -1.0)));
    assertEquals("strategy.params.beta1 must be in [0, 1), got 1.0", error("fedadam", 10, Map.of("beta1", 1.0)));
    assertEquals("krum f=30 is too large for n=50 clients: need n > 2f + 2 (strategy.params.f must be in [0, 23] for strategy.clients_per_round 50)",
        error("krum", 50, Map.of("f", 30.0)));
    assertEquals("bulyan f=12 is too large for n=50 clients: need n >= 4f + 3 (strategy.params.f must be in [0, 11] for strategy.clients_per_round 50)",
        error("bulyan", 50, Map.of("f", 12.0)));
    assertEquals("strategy.params.f must be a whole number >= 0, got 1.5", error("krum", 50, Map.of("f", 1.5)));
    assertEquals("strategy.params.mu must be >= 0, got -0.1", error("fedprox", 10, Map.of("mu", -0.1)));
    assertEquals("strategy.params.eta is not a parameter of fedavgm (valid: momentum, norm_bound, server_lr)",
        error("fedavgm", 10, Map.of("eta", 0.1)));
    assertEquals("strategy.params.norm_bound must be > 0, got 0.0", error("median", 10, Map.of("norm_bound", 0.0)));
  }

  @Test
  void flowerOptionsDefaultToThePapersSettingsAndAreChecked() {
    assertEquals("FedAdam(eta=0.1, beta1=0.9, beta2=0.99, tau=0.01, v0=1.0E-4, biasCorrection=false)",
        create("fedadam", 10, Map.of("tau", 0.01)).toString());
    assertEquals("FedAdam(eta=0.1, beta1=0.9, beta2=0.99, tau=1.0E-9, v0=0.0, biasCorrection=true)",
        create("fedadam", 10, Map.of("v0", 0.0, "bias_correction", 1.0)).toString());
    assertEquals("FedYogi(eta=0.01, beta1=0.9, beta2=0.99, tau=0.001, v0=0.0, biasCorrection=false)",
        create("fedyogi", 10, Map.of("v0", 0.0)).toString());
    assertEquals("FedAdagrad(eta=0.1, beta1=0.0, beta2=0.0, tau=0.5, v0=0.25, biasCorrection=false)",
        create("fedadagrad", 10, Map.of("tau", 0.5)).toString());
    assertEquals("Krum(f=1, m=3, weighted=false)", create("krum", 10, Map.of("f", 1.0, "m", 3.0)).toString());
    assertEquals("Krum(f=1, m=3, weighted=true)", create("krum", 10, Map.of("f", 1.0, "m", 3.0, "weighted", 1.0)).toString());
    assertEquals("strategy.params.bias_correction must be 0 or 1, got 0.5", error("fedadam", 10, Map.of("bias_correction", 0.5)));
    assertEquals("strategy.params.v0 must be >= 0, got -1.0", error("fedyogi", 10, Map.of("v0", -1.0)));
    assertEquals("strategy.params.weighted must be 0 or 1, got 2.0", error("krum", 10, Map.of("weighted", 2.0)));
    assertEquals("strategy.params.bias_correction is not a parameter of fedadagrad (valid: beta1, eta, norm_bound, tau, v0)",
        error("fedadagrad", 10, Map.of("bias_correction", 1.0)));
  }

  @Test
  void largestValidByzantineCountsAreAccepted() {
    create("krum", 50, Map.of("f", 23.0, "m", 10.0));
    create("bulyan", 50, Map.of("f", 11.0));
  }

  @Test
  void normBoundWrapsTheStrategy() {
    assertTrue(create("fedavg", 10, Map.of("norm_bound", 2.0)) instanceof NormBounded);
  }
}
