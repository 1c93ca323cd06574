package io.lianbang.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.random.Seeds;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.engine.nn.Init;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.engine.nn.Models;
import io.lianbang.engine.nn.OptimizerType;
import io.lianbang.sim.spec.DatasetSpec;
import io.lianbang.sim.spec.PartitionKind;
import io.lianbang.sim.spec.PartitionSpec;
import io.lianbang.sim.spec.TrainingSpec;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.sim.Simulation;
import io.lianbang.sim.SimulationResult;
import io.lianbang.sim.backend.SimulationBackend;
import io.lianbang.sim.spec.AttackKind;
import io.lianbang.sim.spec.AttackSpec;
import io.lianbang.sim.spec.SimulationSpec;
import io.lianbang.sim.spec.StrategySpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Spark backend against the in-JVM one, in Spark local mode. */
class SparkBackendTest {
  /** The demo setting (Fashion-MNIST, MLP 784-200-200-10, 100 clients, 10 per round, FedAvg), 5 rounds. */
  private static SimulationSpec demo(int rounds) {
    SimulationSpec d = SimulationSpec.demo();
    return new SimulationSpec(d.name(), d.seed(), rounds, 2, d.model(), d.dataset(), d.partition(), d.strategy(), d.training(),
        d.evaluateEvery());
  }

  private static int[] bits(Parameters p) {
    float[] v = p.flatten();
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) out[i] = Float.floatToRawIntBits(v[i]);
    return out;
  }

  @Test
  void demoSettingOnSparkLocal2IsBitIdenticalToTheInJvmBackend() throws InterruptedException {
    Simulation sim = Simulation.prepare(demo(5));
    SimulationResult local = SimulationBackend.named("local").run(sim, Map.of(), List.of());
    // 3 partitions on 2 executor threads: partial sums merge across partitions and in a tree.
    SimulationResult spark = SimulationBackend.named("spark")
        .run(sim, Map.of(SparkSettings.MASTER, "local[2]", SparkSettings.PARTITIONS, "3"), List.of());

    List<RoundRecord> rounds = spark.run().history().rounds();
    assertEquals(6, rounds.size()); // round 0 (initial evaluation) and 5 rounds
    for (RoundRecord r : rounds.subList(1, 6)) {
      assertEquals(10, r.succeeded(), "round " + r.round());
      assertTrue(r.updated(), "round " + r.round());
    }
    assertEquals(local.run().history().withoutTiming(), spark.run().history().withoutTiming());
    assertArrayEquals(bits(local.run().parameters()), bits(spark.run().parameters()));
  }

  /** Breast cancer (bundled), logistic regression, 10 clients, 4 per round. */
  private static SimulationSpec breastCancer(String strategy, Map<String, Double> params, double roundTimeout) {
    return new SimulationSpec("bc", 3, 3, 1, "logistic:30", new DatasetSpec("breast-cancer", null, null, "target", 0.25, "standard"),
        new PartitionSpec(PartitionKind.IID, 10, 1.0, 2, 0), new StrategySpec(strategy, 4, 0, 0.5, roundTimeout, params),
        new TrainingSpec(2, 8, OptimizerType.SGD, 0.1, 0.0, 0.0), 1);
  }

  @Test
  void fedProxOnSparkLocal1IsBitIdenticalToTheInJvmBackend() throws InterruptedException {
    Simulation sim = Simulation.prepare(breastCancer("fedprox", Map.of("mu", 0.1), 600));
    SimulationResult local = sim.run(List.of());
    SimulationResult spark = new SparkBackend().run(sim, Map.of(SparkSettings.MASTER, "local[1]"), List.of());
    assertEquals(local.run().history().withoutTiming(), spark.run().history().withoutTiming());
    assertArrayEquals(bits(local.run().parameters()), bits(spark.run().parameters()));
  }

  @Test
  void aRoundWhoseJobMissesTheDeadlineTimesOutAndKeepsTheModel() throws InterruptedException {
    Simulation sim = Simulation.prepare(breastCancer("fedavg", Map.of(), 0.001));
    SimulationResult spark = new SparkBackend().run(sim, Map.of(SparkSettings.MASTER, "local[1]"), List.of());
    List<RoundRecord> rounds = spark.run().history().rounds();
    assertEquals(4, rounds.size());
    for (RoundRecord r : rounds.subList(1, 4)) {
      assertEquals(0, r.succeeded(), "round " + r.round());
      assertFalse(r.updated(), "round " + r.round());
      assertEquals(4, r.failures().size(), "round " + r.round());
      r.failures().forEach(f -> assertEquals(ClientFailure.Kind.TIMEOUT, f.kind(), f.toString()));
    }
    Parameters initial = Models.create(ModelSpec.parse("logistic:30"), Init.PYTORCH_DEFAULT, Seeds.derive(3, "init")).parameters();
    assertArrayEquals(bits(initial), bits(spark.run().parameters()));
  }

  @Test
  void refusesWhatItDoesNotSupportNamingTheKey() {
    SimulationBackend spark = SimulationBackend.named("spark");
    SimulationSpec d = demo(1);
    SimulationSpec krum = new SimulationSpec(d.name(), d.seed(), 1, 1, d.model(), d.dataset(), d.partition(),
        new StrategySpec("krum", 10, 0, 0.5, 600, Map.of()), d.training(), 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spark.requireSupported(krum));
    assertEquals("backend spark does not support strategy.name krum (supported: fedavg, fedprox)", e.getMessage());
    SimulationSpec attacked = d.withAttack(new AttackSpec(AttackKind.SIGN_FLIP, 0.1, 1, 0));
    e = assertThrows(IllegalArgumentException.class, () -> spark.requireSupported(attacked));
    assertTrue(e.getMessage().startsWith("backend spark does not support attack.kind"), e.getMessage());
    spark.requireSupported(d);
  }

  @Test
  void findsBothBackendsByName() {
    assertInstanceOf(SparkBackend.class, SimulationBackend.named("spark"));
    assertEquals("local", SimulationBackend.named("local").name());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SimulationBackend.named("ray"));
    assertTrue(e.getMessage().startsWith("backend ray is not available (available: "), e.getMessage());
  }

  @Test
  void settingsNameTheKeyOfABadValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SparkSettings.from(Map.of(SparkSettings.PARTITIONS, "many")));
    assertEquals("spark.partitions must be an integer, got many", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SparkSettings.from(Map.of(SparkSettings.PARTITIONS, "-1")));
    assertTrue(e.getMessage().startsWith("spark.partitions must be in [0, "), e.getMessage());
  }
}
