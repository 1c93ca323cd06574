package io.lianbang.sim.async;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lianbang.core.async.AsyncFederation;
import io.lianbang.core.async.AsyncFederationConfig;
import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.LocalClientProxy;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.federation.StaticClientPool;
import io.lianbang.core.random.Seeds;
import io.lianbang.engine.client.EngineClient;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.nn.Init;
import io.lianbang.engine.nn.Models;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.engine.nn.OptimizerType;
import io.lianbang.sim.Simulation;
import io.lianbang.sim.SimulationResult;
import io.lianbang.sim.spec.AsyncSpec;
import io.lianbang.sim.spec.DatasetSpec;
import io.lianbang.sim.spec.LatencyKind;
import io.lianbang.sim.spec.LatencySpec;
import io.lianbang.sim.spec.PartitionKind;
import io.lianbang.sim.spec.PartitionSpec;
import io.lianbang.sim.spec.SimulationSpec;
import io.lianbang.sim.spec.StrategySpec;
import io.lianbang.sim.spec.TrainingSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * With one task in flight the real-time {@link AsyncFederation} and the simulated-clock
 * {@link AsyncSimulation} draw the same clients with the same task seeds, so from the same seed
 * they end with the same model bit for bit, whatever the simulated latencies.
 */
class AsyncFederationMatchesSimulationTest {
  @Test
  void concurrencyOneGivesTheSimulationsModelBitForBit() throws Exception {
    AsyncSpec async = new AsyncSpec(true, 2, 1, 4, 1.0, 0.5);
    TrainingSpec t = new TrainingSpec(1, 8, OptimizerType.SGD, 0.1, 0.0, 0.0);
    SimulationSpec spec = new SimulationSpec("async", 5, 6, 1, "logistic:30",
        new DatasetSpec("breast-cancer", null, null, "target", 0.25, "standard"),
        new PartitionSpec(PartitionKind.IID, 5, 1.0, 2, 0),
        new StrategySpec("fedavg", 5, 0, 1.0, 600, Map.of()), t, 2)
        .withLatency(new LatencySpec(LatencyKind.LOGNORMAL, 10, 1.0, 0.3, 0)).withAsync(async);
    Simulation sim = Simulation.prepare(spec);
    SimulationResult simulated = sim.run(List.of());

    ModelSpec model = ModelSpec.parse(spec.model());
    List<String> ids = sim.clientIds();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    RunResult real;
    try {
      List<ClientProxy> proxies = new ArrayList<>();
      for (int c = 0; c < ids.size(); c++) {
        Dataset local = sim.partition().subset(sim.data().train(), c);
        proxies.add(new LocalClientProxy(ids.get(c), new EngineClient(model, local, local, 1), pool));
      }
      AsyncFederationConfig config = AsyncFederationConfig.builder().fedBuff(async.fedBuff()).concurrency(1).serverUpdates(6)
          .seed(spec.seed()).fitConfig(EngineClient.fitConfig(t.localEpochs(), t.batchSize(), t.optimizer(), t.learningRate(),
              t.momentum(), t.weightDecay()))
          .taskTimeout(Duration.ofSeconds(60)).runTimeout(Duration.ofSeconds(120)).build();
      real = new AsyncFederation(new StaticClientPool(proxies), config, null, List.of())
          .run(Models.create(model, Init.PYTORCH_DEFAULT, Seeds.derive(spec.seed(), "init")).parameters());
    } finally {
      pool.shutdownNow();
    }
    assertEquals(6, real.history().rounds().size(), "6 server updates, no evaluator");
    assertArrayEquals(simulated.run().parameters().flatten(), real.parameters().flatten());
  }
}
