package io.lianbang.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.federation.RoundRecord;
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
