package io.lianbang.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.federation.RoundRecord;
import io.lianbang.engine.nn.OptimizerType;
import io.lianbang.sim.spec.AttackKind;
import io.lianbang.sim.spec.AttackSpec;
import io.lianbang.sim.spec.DatasetSpec;
import io.lianbang.sim.spec.PartitionKind;
import io.lianbang.sim.spec.PartitionSpec;
import io.lianbang.sim.spec.PrivacySpec;
import io.lianbang.sim.spec.SimulationSpec;
import io.lianbang.sim.spec.StrategySpec;
import io.lianbang.sim.spec.TrainingSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every strategy runs end to end on engine clients (breast cancer, logistic regression, 10
 * clients with Dirichlet label skew and heterogeneous local epochs) and learns; sign-flipping
 * attackers break FedAvg but not the median.
 */
class StrategiesLearnTest {
  private static SimulationSpec spec(String strategy, Map<String, Double> params, AttackSpec attack, int threads) {
    return new SimulationSpec("s", 7, 8, threads, "logistic:30",
        new DatasetSpec("breast-cancer", null, null, "target", 0.25, "standard"),
        new PartitionSpec(PartitionKind.DIRICHLET, 10, 1.0, 2, 10),
        new StrategySpec(strategy, 10, 0, 0.5, 600, params),
        new TrainingSpec(1, 8, OptimizerType.SGD, 0.05, 0.5, 0, 3), 8, PrivacySpec.none(), attack);
  }

  private static double accuracy(SimulationResult r) {
    RoundRecord last = r.run().history().last();
    return last.centralized().orElseThrow().metrics().get("accuracy").orElseThrow();
  }

  static List<String> names() {
    return List.of(StrategySpec.NAMES);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("names")
  void learns(String name) throws Exception {
    Map<String, Double> params = switch (name) {
      case "krum", "bulyan" -> Map.of("f", 1.0);
      case "fedadam", "fedyogi", "fedadagrad" -> Map.of("eta", 0.05, "tau", 1e-3);
      default -> Map.of();
    };
    SimulationResult r = Simulation.prepare(spec(name, params, AttackSpec.none(), 2)).run(List.of());
    assertTrue(accuracy(r) > 0.9, name + " reached only " + accuracy(r));
  }

  @Test
  void sameSeedSameModelWithHeterogeneousWorkAndAttackers() throws Exception {
    AttackSpec attack = new AttackSpec(AttackKind.SIGN_FLIP, 0.2, 3, 0);
    SimulationResult one = Simulation.prepare(spec("scaffold", Map.of(), attack, 1)).run(List.of());
    SimulationResult two = Simulation.prepare(spec("scaffold", Map.of(), attack, 2)).run(List.of());
    assertArrayEquals(one.run().parameters().flatten(), two.run().parameters().flatten());
  }

  @Test
  void signFlippersBreakFedAvgButNotTheMedian() throws Exception {
    AttackSpec attack = new AttackSpec(AttackKind.SIGN_FLIP, 0.3, 10, 0);
    double fedavg = accuracy(Simulation.prepare(spec("fedavg", Map.of(), attack, 2)).run(List.of()));
    double median = accuracy(Simulation.prepare(spec("median", Map.of(), attack, 2)).run(List.of()));
    assertTrue(fedavg < 0.8, "fedavg under attack: " + fedavg);
    assertTrue(median > 0.9, "median under attack: " + median);
  }
}
