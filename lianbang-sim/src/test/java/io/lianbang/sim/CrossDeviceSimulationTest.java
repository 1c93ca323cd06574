package io.lianbang.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.LocalClientProxy;
import io.lianbang.engine.client.EngineClient;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.engine.nn.OptimizerType;
import io.lianbang.sim.spec.AttackKind;
import io.lianbang.sim.spec.AttackSpec;
import io.lianbang.sim.spec.DatasetSpec;
import io.lianbang.sim.spec.PartitionKind;
import io.lianbang.sim.spec.PartitionSpec;
import io.lianbang.sim.spec.SimulationSpec;
import io.lianbang.sim.spec.StrategySpec;
import io.lianbang.sim.spec.TrainingSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

/**
 * Cross-device simulations: more clients than examples with the {@code sampled} partition, built
 * lazily when sampled; the run is bit-identical to building every client up front, and to another
 * thread count.
 */
class CrossDeviceSimulationTest {
  /** 2,000 clients of 5 examples each over breast cancer's 426 training examples, 40 per round. */
  private static SimulationSpec spec(int threads) {
    return new SimulationSpec("xdev", 7, 4, threads, "logistic:30",
        new DatasetSpec("breast-cancer", null, null, "target", 0.25, "standard"),
        new PartitionSpec(PartitionKind.SAMPLED, 2000, 1.0, 2, 0, 5),
        new StrategySpec("fedavg", 40, 10, 0.5, 600, Map.of()),
        new TrainingSpec(1, 5, OptimizerType.SGD, 0.1, 0.0, 0.0), 1);
  }

  @Test
  void lazyClientsGiveTheRunOfClientsBuiltUpFront() throws Exception {
    for (SimulationSpec s : List.of(spec(2), spec(2).withAttack(new AttackSpec(AttackKind.SIGN_FLIP, 0.1, 2, 1)))) {
      Simulation sim = Simulation.prepare(s);
      assertTrue(sim.partition().numClients() > sim.data().train().size(), "more clients than examples");
      SimulationResult lazy = sim.run(List.of(), null, true);
      SimulationResult eager = Simulation.prepare(s).run(List.of(), null, false);
      SimulationResult oneThread = Simulation.prepare(new SimulationSpec("xdev", 7, 4, 1, s.model(), s.dataset(), s.partition(),
          s.strategy(), s.training(), 1, s.privacy(), s.attack())).run(List.of());
      assertArrayEquals(eager.run().parameters().flatten(), lazy.run().parameters().flatten());
      assertEquals(eager.run().history().withoutTiming(), lazy.run().history().withoutTiming());
      assertArrayEquals(lazy.run().parameters().flatten(), oneThread.run().parameters().flatten());
      assertEquals(4, lazy.run().history().rounds().stream().filter(r -> r.round() > 0 && r.succeeded() == 40).count());
    }
  }

  @Test
  void sampledPartitionNeedsNoMoreExamplesThanClientsButEnoughPerClient() {
    assertEquals(2000, Simulation.prepare(spec(1)).partition().numClients());
    SimulationSpec tooMany = new SimulationSpec("xdev", 7, 1, 1, "logistic:30", spec(1).dataset(),
        new PartitionSpec(PartitionKind.SAMPLED, 50, 1.0, 2, 0, 100_000), spec(1).strategy(), spec(1).training(), 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Simulation.prepare(tooMany));
    assertTrue(e.getMessage().contains("examples_per_client 100000"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new PartitionSpec(PartitionKind.SAMPLED, 10, 1.0, 2, 0, 0));
  }

  @Test
  void lazyPoolBuildsAClientPerRequestAndKnowsOnlyItsIds() {
    ClientIds ids = new ClientIds(100_000);
    assertEquals("client-00000", ids.get(0));
    assertEquals("client-99999", ids.get(99_999));
    assertEquals(12_345, ids.indexOf("client-12345"));
    for (String bad : List.of("client-1", "client-100000", "client-1234x", "klient-12345", "")) assertEquals(-1, ids.indexOf(bad), bad);
    for (int i = 1; i < 1000; i++) assertTrue(ids.get(i - 1).compareTo(ids.get(i)) < 0, "sorted like the indices");
    Simulation sim = Simulation.prepare(spec(1));
    LazyClientPool pool = new LazyClientPool(ids, c -> new LocalClientProxy(ids.get(c),
        new EngineClient(ModelSpec.parse("logistic:30"), sim.partition().subset(sim.data().train(), c % 2000),
            sim.partition().subset(sim.data().train(), c % 2000), 1), ForkJoinPool.commonPool()));
    Optional<ClientProxy> a = pool.get("client-00042");
    assertEquals("client-00042", a.orElseThrow().id());
    assertNotSame(a.get(), pool.get("client-00042").orElseThrow(), "nothing is kept between requests");
    assertFalse(pool.get("client-100000").isPresent());
    assertEquals(100_000, pool.available().size());
  }
}
