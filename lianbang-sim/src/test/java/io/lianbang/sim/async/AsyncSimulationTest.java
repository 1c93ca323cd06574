package io.lianbang.sim.async;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.federation.RoundRecord;
import io.lianbang.engine.nn.OptimizerType;
import io.lianbang.sim.Simulation;
import io.lianbang.sim.SimulationResult;
import io.lianbang.sim.latency.LatencyModel;
import io.lianbang.sim.latency.RoundClock;
import io.lianbang.sim.spec.AsyncSpec;
import io.lianbang.sim.spec.DatasetSpec;
import io.lianbang.sim.spec.LatencyKind;
import io.lianbang.sim.spec.LatencySpec;
import io.lianbang.sim.spec.PartitionKind;
import io.lianbang.sim.spec.PartitionSpec;
import io.lianbang.sim.spec.SimulationSpec;
import io.lianbang.sim.spec.StrategySpec;
import io.lianbang.sim.spec.TrainingSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AsyncSimulationTest {
  private static final LatencySpec STRAGGLERS = new LatencySpec(LatencyKind.LOGNORMAL, 10, 1.0, 0.3, 0);

  /** Breast cancer (427 training examples), {@code clients} IID clients, logistic regression. */
  private static SimulationSpec spec(int clients, int rounds, int threads, int perRound, AsyncSpec async, LatencySpec latency) {
    return new SimulationSpec("async", 5, rounds, threads, "logistic:30",
        new DatasetSpec("breast-cancer", null, null, "target", 0.25, "standard"),
        new PartitionSpec(PartitionKind.IID, clients, 1.0, 2, 0),
        new StrategySpec("fedavg", perRound, 0, 1.0, 600, Map.of()),
        new TrainingSpec(1, 8, OptimizerType.SGD, 0.1, 0.0, 0.0), 2).withLatency(latency).withAsync(async);
  }

  private static SimulationResult run(SimulationSpec s) throws InterruptedException {
    return Simulation.prepare(s).run(List.of());
  }

  private static double time(RoundRecord r) {
    return r.fitMetrics().get(RoundClock.METRIC).orElseThrow();
  }

  @Test
  void sameSeedGivesBitIdenticalRunsWithOneAndTwoThreads() throws Exception {
    AsyncSpec async = new AsyncSpec(true, 3, 5, 2, 1.0, 0.5);
    SimulationResult one = run(spec(10, 8, 1, 5, async, STRAGGLERS));
    SimulationResult two = run(spec(10, 8, 2, 5, async, STRAGGLERS));
    SimulationResult again = run(spec(10, 8, 2, 5, async, STRAGGLERS));
    assertArrayEquals(one.run().parameters().flatten(), two.run().parameters().flatten());
    assertEquals(one.run().history().withoutTiming(), two.run().history().withoutTiming());
    assertEquals(two.run().history().withoutTiming(), again.run().history().withoutTiming());
    assertEquals(9, one.run().history().rounds().size(), "round 0 and 8 server updates");
    assertTrue(one.run().history().last().centralized().isPresent(), "the last update is evaluated");
  }

  @Test
  void clientsAreBuiltWhenTheyStartATaskNotUpFront() throws Exception {
    int clients = 200;
    AsyncSpec async = new AsyncSpec(true, 2, 4, 1000, 1.0, 0.5);
    SimulationSpec s = spec(clients, 6, 2, 5, async, STRAGGLERS);
    java.util.concurrent.atomic.AtomicInteger built = new java.util.concurrent.atomic.AtomicInteger();
    SimulationResult lazy = new AsyncSimulation(Simulation.prepare(s), c -> built.incrementAndGet()).run(List.of());
    int started = 0;
    for (RoundRecord r : lazy.run().history().rounds()) started += r.sampled();
    assertTrue(built.get() <= started + async.concurrency(),
        built.get() + " clients built for " + started + " tasks that arrived and at most " + async.concurrency() + " in flight");
    assertTrue(built.get() < clients / 4, built.get() + " of " + clients + " clients built");
    SimulationResult plain = run(s); // the public constructor: the same run bit for bit
    assertArrayEquals(plain.run().parameters().flatten(), lazy.run().parameters().flatten());
    assertEquals(plain.run().history().withoutTiming(), lazy.run().history().withoutTiming());
  }

  @Test
  void serverUpdatesFollowTheSimulatedCompletionTimes() throws Exception {
    // every client trains at once and K = 1: client c's k-th update lands at the sum of its first k task times
    int clients = 6;
    int rounds = 15;
    SimulationResult r = run(spec(clients, rounds, 2, 5, new AsyncSpec(true, 1, clients, 1000, 1.0, 0.5), STRAGGLERS));
    LatencyModel latency = new LatencyModel(STRAGGLERS, 5);
    List<Double> completions = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      double t = 0;
      for (int k = 1; k <= rounds; k++) completions.add(t += latency.taskSeconds(c, k));
    }
    Collections.sort(completions);
    List<RoundRecord> records = r.run().history().rounds();
    assertEquals(rounds + 1, records.size());
    for (int v = 1; v <= rounds; v++) assertEquals(completions.get(v - 1), time(records.get(v)), "update " + v);
  }

  @Test
  void dropsUpdatesStalerThanTheMaximumAndCountsThem() throws Exception {
    SimulationResult r = run(spec(10, 12, 2, 5, new AsyncSpec(true, 2, 8, 0, 1.0, 0.5), STRAGGLERS));
    long arrived = 0;
    long buffered = 0;
    long dropped = 0;
    for (RoundRecord rec : r.run().history().rounds().subList(1, 13)) {
      arrived += rec.sampled();
      buffered += rec.succeeded();
      dropped += rec.fitMetrics().get("dropped_stale").orElseThrow().longValue();
      assertEquals(0.0, rec.fitMetrics().get("mean_staleness").orElseThrow(), "max_staleness 0 buffers only fresh updates");
    }
    assertEquals(24, buffered);
    assertTrue(dropped > 0, "8 clients training at once with K = 2 make stale updates");
    assertEquals(arrived, buffered + dropped);
  }

  @Test
  void withEqualClientsNoVarianceAndKEqualToConcurrencyItIsSynchronousFedAvg() throws Exception {
    // 427 training examples in 7 IID clients of 61: FedAvg's example weights are all equal
    int clients = 7;
    LatencySpec constant = new LatencySpec(LatencyKind.CONSTANT, 3, 0, 0, 0);
    SimulationResult async = run(spec(clients, 4, 2, clients, new AsyncSpec(true, clients, clients, 0, 1.0, 0.5), constant));
    SimulationResult sync = run(spec(clients, 4, 2, clients, AsyncSpec.off(), constant));
    float[] a = async.run().parameters().flatten();
    float[] s = sync.run().parameters().flatten();
    for (int i = 0; i < a.length; i++) assertEquals(s[i], a[i], 1e-5, "parameter " + i);
    List<RoundRecord> ar = async.run().history().rounds();
    List<RoundRecord> sr = sync.run().history().rounds();
    assertEquals(sr.size(), ar.size());
    for (int v = 0; v < ar.size(); v++) {
      assertEquals(3.0 * v, time(ar.get(v)), "FedBuff update " + v);
      assertEquals(3.0 * v, time(sr.get(v)), "FedAvg round " + v);
      assertEquals(sr.get(v).centralized().isPresent(), ar.get(v).centralized().isPresent());
      if (ar.get(v).centralized().isPresent()) {
        assertEquals(sr.get(v).centralized().get().loss(), ar.get(v).centralized().get().loss(), 1e-5, "loss after " + v);
      }
    }
    assertEquals(0.0, ar.get(4).fitMetrics().get("dropped_stale").orElseThrow());
  }

  @Test
  void synchronousRoundsLastAsLongAsTheirSlowestClientPlusTheServer() throws Exception {
    LatencySpec l = new LatencySpec(LatencyKind.EXPONENTIAL, 10, 0, 0, 0.5);
    SimulationResult sync = run(spec(10, 5, 2, 10, AsyncSpec.off(), l));
    LatencyModel latency = new LatencyModel(l, 5);
    List<RoundRecord> rounds = sync.run().history().rounds();
    for (int r = 1; r <= 5; r++) {
      double slowest = 0;
      for (int c = 0; c < 10; c++) slowest = Math.max(slowest, latency.taskSeconds(c, r));
      assertEquals(time(rounds.get(r - 1)) + slowest + 0.5, time(rounds.get(r)), "round " + r);
    }
  }

  @Test
  void rejectsSettingsAsynchronousRunsCannotUseNamingTheKey() {
    AsyncSpec on = new AsyncSpec(true, 2, 4, 2, 1.0, 0.5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> spec(10, 3, 1, 5, on, LatencySpec.none()));
    assertTrue(e.getMessage().contains("latency.kind none"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> spec(3, 3, 1, 2, on, STRAGGLERS));
    assertTrue(e.getMessage().contains("async.concurrency") && e.getMessage().contains("got 4"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new AsyncSpec(true, 0, 4, 2, 1.0, 0.5));
    assertTrue(e.getMessage().contains("async.buffer_size"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new AsyncSpec(true, 2, 4, 2, 1.0, -1));
    assertTrue(e.getMessage().contains("async.staleness_exponent") && e.getMessage().contains("-1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new LatencySpec(LatencyKind.LOGNORMAL, 0, 1, 0, 0));
    assertTrue(e.getMessage().contains("latency.mean_seconds"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new LatencySpec(LatencyKind.LOGNORMAL, 1, 9, 0, 0));
    assertTrue(e.getMessage().contains("latency.spread") && e.getMessage().contains("9"), e.getMessage());
  }
}
