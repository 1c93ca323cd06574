package io.lianbang.core.strategy.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lianbang.core.strategy.ClientInstruction;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.QFedAvg;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.strategy.robust.NormBounded;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class StrategyRegistryTest {
  private static StrategyContext context(int clients) {
    return new StrategyContext(() -> FedAvg.builder().minFitClients(clients).minAvailableClients(clients), clients,
        0.9, 0.05, 1);
  }

  private static String error(String name, int clients, Map<String, Double> params) {
    return assertThrows(IllegalArgumentException.class, () -> StrategyRegistry.create(name, params, context(clients))).getMessage();
  }

  @Test
  void listsTheThirteenStrategiesInOrder() {
    assertEquals(List.of("fedavg", "fedavgm", "fedprox", "fedadagrad", "fedadam", "fedyogi", "scaffold", "fednova", "qfedavg",
        "median", "trimmed_mean", "krum", "bulyan"), StrategyRegistry.names());
  }

  @Test
  void everyStrategyBuildsWithItsDefaultsAndReadsEveryDeclaredParameter() {
    for (StrategyType t : StrategyRegistry.types()) {
      assertEquals(7, StrategyRegistry.create(t.name(), Map.of(), context(7)).minAvailableClients(), t.name());
      // each declared parameter is read: giving it at its default is accepted, not refused as unknown
      for (StrategyParameter p : t.parameters()) {
        double v = p.defaultValue() == null ? 0 : p.defaultValue();
        StrategyRegistry.create(t.name(), Map.of(p.name(), v), context(7));
      }
    }
  }

  @Test
  void defaultsAndDerivedDefaultsReachTheStrategy() {
    assertEquals("FedAdam(eta=0.1, beta1=0.9, beta2=0.99, tau=0.5, v0=0.25, biasCorrection=false)",
        StrategyRegistry.create("fedadam", Map.of("tau", 0.5), context(10)).toString());
    assertEquals("FedYogi(eta=0.01, beta1=0.9, beta2=0.99, tau=0.001, v0=1.0E-6, biasCorrection=false)",
        StrategyRegistry.create("fedyogi", Map.of(), context(10)).toString());
    assertEquals("Krum(f=2, m=1, weighted=false)", StrategyRegistry.create("krum", Map.of("f", 2.0), context(7)).toString());
    assertInstanceOf(NormBounded.class, StrategyRegistry.create("median", Map.of("norm_bound", 3.0), context(5)));
  }

  /** docs/protocol.md: FedNova's ρ is training.momentum, q-FedAvg's L is 1 / training.learning_rate; neither is sent. */
  @Test
  void fedNovaAndQFedAvgTakeTheirParametersFromTheTrainingSettingsAndSendNothingForThem() {
    Strategy nova = StrategyRegistry.create("fednova", Map.of(), context(3));
    Strategy q = StrategyRegistry.create("qfedavg", Map.of("q", 2.0), context(3));
    assertEquals("FedNova(local_momentum=0.9)", nova.toString());
    assertEquals("QFedAvg(q=2.0, L=" + (1 / 0.05) + ")", q.toString());
    Parameters global = Parameters.of(Tensor.vector(new float[] {1, 2}));
    List<String> clients = List.of("a", "b", "c");
    for (ClientInstruction i : nova.configureFit(1, global, clients, new SplittableRandom(1))) {
      assertEquals(Map.of(), i.config().asMap(), "fednova sends no key of its own");
    }
    for (ClientInstruction i : q.configureFit(1, global, clients, new SplittableRandom(1))) {
      assertEquals(Map.of(QFedAvg.INITIAL_LOSS, true), i.config().asMap(), "qfedavg asks only for the initial loss");
    }
  }

  @Test
  void errorsNameTheKeyTheRangeAndTheValue() {
    assertEquals("strategy.params.momentum must be in [0, 1), got 1.5", error("fedavgm", 5, Map.of("momentum", 1.5)));
    assertEquals("strategy.params.server_lr must be > 0, got Infinity",
        error("scaffold", 5, Map.of("server_lr", Double.POSITIVE_INFINITY)));
    assertEquals("strategy.params.q must be >= 0, got NaN", error("qfedavg", 5, Map.of("q", Double.NaN)));
    assertEquals("strategy.params.mu is not a parameter of fedavg (valid: norm_bound)", error("fedavg", 5, Map.of("mu", 0.1)));
    assertEquals("strategy.params.norm_bound is not supported by scaffold", error("scaffold", 5, Map.of("norm_bound", 1.0)));
    assertEquals("strategy.params.f must be in [0, 0] for strategy.clients_per_round 4",
        error("krum", 4, Map.of("f", 1.0)).replaceFirst(".*\\((.*)\\)", "$1"));
    assertEquals("strategy.params.m must be in [1, 5], got 6", error("krum", 5, Map.of("m", 6.0)));
    assertEquals("strategy.name must be one of fedavg, fedavgm, fedprox, fedadagrad, fedadam, fedyogi, scaffold, fednova, "
        + "qfedavg, median, trimmed_mean, krum, bulyan, got fedsgd", error("fedsgd", 5, Map.of()));
  }

  @Test
  void parameterNamesIncludeNormBoundWhereItApplies() {
    assertEquals(List.of("momentum", "norm_bound", "server_lr"), StrategyRegistry.type("fedavgm").parameterNames());
    assertEquals(List.of("server_lr"), StrategyRegistry.type("scaffold").parameterNames());
  }
}
