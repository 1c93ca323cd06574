package io.lianbang.privacy.secagg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.client.Client;
import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.LocalClientProxy;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.federation.StaticClientPool;
import io.lianbang.core.strategy.ClientInstruction;
import io.lianbang.core.strategy.FedAdam;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.FedAvgM;
import io.lianbang.core.strategy.FedNova;
import io.lianbang.core.strategy.FedProx;
import io.lianbang.core.strategy.QFedAvg;
import io.lianbang.core.strategy.Scaffold;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.strategy.robust.Bulyan;
import io.lianbang.core.strategy.robust.FedMedian;
import io.lianbang.core.strategy.robust.FedTrimmedAvg;
import io.lianbang.core.strategy.robust.Krum;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.privacy.TargetClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SecureAggregationTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private RunResult run(boolean secure, int n) throws InterruptedException {
    SplittableRandom rng = new SplittableRandom(3);
    List<ClientProxy> proxies = new ArrayList<>();
    Map<String, SecAggParticipant> participants = new HashMap<>();
    for (int c = 0; c < n; c++) {
      float[] target = new float[50];
      for (int i = 0; i < target.length; i++) target[i] = (float) rng.nextGaussian();
      Client client = new TargetClient(target, 50 + rng.nextInt(200));
      String id = "c" + (100 + c);
      if (secure) {
        SecAggClient s = new SecAggClient(client, new SecAggParticipant());
        participants.put(id, s.participant());
        client = s;
      }
      proxies.add(new LocalClientProxy(id, client, pool));
    }
    Strategy strategy = FedAvg.builder().minFitClients(10).minAvailableClients(n).fractionFit(0).build();
    if (secure) {
      strategy = new SecureAggregation(strategy, SecAggParams.defaults(), new InProcessSecAggTransport(participants, pool),
          Duration.ofSeconds(30), null);
    }
    return new Federation(strategy, new StaticClientPool(proxies), FederationConfig.of(5, 42), List.of())
        .run(Parameters.of(Tensor.zeros(50)));
  }

  @Test
  void fedAvgUnderSecureAggregationMatchesPlainFedAvg() throws InterruptedException {
    RunResult plain = run(false, 30);
    RunResult secure = run(true, 30);
    float[] a = plain.parameters().flatten();
    float[] b = secure.parameters().flatten();
    double err = 0;
    for (int i = 0; i < a.length; i++) err = Math.max(err, Math.abs(a[i] - b[i]));
    assertTrue(err < 1e-4, "max difference " + err);
    assertEquals(10.0, secure.history().last().fitMetrics().get("secagg_clients").orElseThrow());
  }

  @Test
  void refusesStrategiesThatNeedIndividualUpdatesOrOtherWeights() {
    FedAvg.Builder b = FedAvg.builder().minFitClients(8).minAvailableClients(8);
    for (Strategy s : List.of(FedMedian.builder().settings(b).build(), FedTrimmedAvg.builder().settings(b).beta(0.2).build(),
        Krum.builder().settings(b).f(1).m(1).threads(1).build(), Bulyan.builder().settings(b).f(1).threads(1).build(),
        FedNova.builder().settings(b).localMomentum(0).build(), QFedAvg.builder().settings(b).q(1).learningRate(0.1).build(),
        Scaffold.builder().settings(b).serverLr(1).build())) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SecureAggregation(
          s, SecAggParams.defaults(), (id, m, d) -> null, Duration.ofSeconds(1), null), s.toString());
      assertTrue(e.getMessage().contains(s.toString()) && e.getMessage().contains("individual update"), e.getMessage());
    }
  }

  @Test
  void acceptsFedAvgAndTheStrategiesBuiltOnItsMean() {
    FedAvg.Builder b = FedAvg.builder().minFitClients(8).minAvailableClients(8);
    for (Strategy s : List.of(b.build(), FedAvgM.builder().settings(b).serverLr(1).momentum(0.9).build(),
        FedAdam.builder().settings(b).eta(0.1).beta1(0.9).beta2(0.99).tau(1e-3).build(),
        FedProx.builder().settings(b).mu(0.1).build())) {
      assertTrue(new SecureAggregation(s, SecAggParams.defaults(), (id, m, d) -> null, Duration.ofSeconds(1), null)
          .inner() == s, s.toString());
    }
  }

  @Test
  void aSecAggClientTrainsOnlyForASecurelyAggregatedRound() {
    FedAvg fedAvg = FedAvg.builder().minFitClients(2).minAvailableClients(2).build();
    Strategy secure = new SecureAggregation(fedAvg, SecAggParams.defaults(), (id, m, d) -> null, Duration.ofSeconds(1), null);
    Parameters global = Parameters.of(Tensor.zeros(3));
    List<ClientInstruction> instructions = secure.configureFit(1, global, List.of("a", "b"), new SplittableRandom(1));
    assertEquals(2, instructions.size());
    for (ClientInstruction i : instructions) {
      assertTrue(i.config().getBoolean(SecureAggregation.CONFIG_KEY, false), i.toString());
    }
    ClientInstruction plain = fedAvg.configureFit(1, global, List.of("a", "b"), new SplittableRandom(1)).get(0);
    SecAggClient client = new SecAggClient(new TargetClient(new float[3], 10), new SecAggParticipant());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> client.fit(new FitTask(1, global, plain.config(), 5)));
    assertEquals("round 1: the server did not ask for secure aggregation (fit config 'secagg' is not true), "
        + "and this client sends its update only masked", e.getMessage());
  }
}
