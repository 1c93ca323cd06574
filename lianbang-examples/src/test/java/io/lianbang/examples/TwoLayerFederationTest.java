package io.lianbang.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.client.Client;
import io.lianbang.core.client.LocalClientProxy;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.federation.StaticClientPool;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.examples.twolayer.TwoLayerClient;
import io.lianbang.examples.twolayer.TwoLayerFederation;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A hand-written client of a four-tensor model, over gRPC on loopback. */
class TwoLayerFederationTest {
  @Test
  void theFourTensorModelLearnsTheDataOverTheNetwork() throws Exception {
    RunResult run = TwoLayerFederation.run(30);
    Parameters p = run.parameters();
    assertEquals(4, p.count());
    assertArrayEquals(new int[] {4, 3}, p.tensor(0).shape());
    assertArrayEquals(new int[] {1, 4}, p.tensor(2).shape());
    for (RoundRecord r : run.history().rounds().subList(1, run.history().rounds().size())) {
      assertEquals(2, r.succeeded(), "round " + r.round() + ": " + r.failures());
    }
    // The layers compose to one linear map: W2 W1 x + (W2 b1 + b2). It must approach the rule
    // the data was drawn from (noise 0.1, 500 rows).
    float[] w1 = p.tensor(0).toArray();
    float[] b1 = p.tensor(1).toArray();
    float[] w2 = p.tensor(2).toArray();
    double intercept = p.tensor(3).get(0);
    for (int k = 0; k < 4; k++) intercept += w2[k] * b1[k];
    for (int j = 0; j < 3; j++) {
      double coefficient = 0;
      for (int k = 0; k < 4; k++) coefficient += w2[k] * w1[k * 3 + j];
      assertEquals(TwoLayerClient.TRUE_WEIGHTS[j], coefficient, 0.05, "coefficient " + j);
    }
    assertEquals(TwoLayerClient.TRUE_BIAS, intercept, 0.05, "intercept");
  }

  /** The pattern this example replaces: the model flattened into one vector and sent back as such. */
  @Test
  void aFlattenedResultOfTheFourTensorModelIsRefused() throws Exception {
    TwoLayerClient inner = new TwoLayerClient(1, 50, 0f);
    Client flattening = new Client() {
      @Override
      public FitResult fit(FitTask task) {
        FitResult r = inner.fit(task);
        return new FitResult(Parameters.of(Tensor.vector(r.parameters().flatten())), r.numExamples(), r.metrics());
      }

      @Override
      public EvalResult evaluate(EvalTask task) {
        return inner.evaluate(task);
      }
    };
    ExecutorService pool = Executors.newFixedThreadPool(1);
    try {
      Parameters initial = TwoLayerClient.initial(4, 7);
      FedAvg strategy = FedAvg.builder().minFitClients(1).minAvailableClients(1).build();
      RunResult run = new Federation(strategy, new StaticClientPool(List.of(new LocalClientProxy("flat", flattening, pool))),
          FederationConfig.of(1, 1).withRoundTimeout(Duration.ofSeconds(30)), List.of()).run(initial);
      RoundRecord round = run.history().last();
      assertFalse(round.updated(), "the model does not move");
      assertEquals(1, round.failures().size());
      assertEquals(ClientFailure.Kind.INVALID, round.failures().get(0).kind(), round.failures().toString());
      assertArrayEquals(initial.flatten(), run.parameters().flatten());
    } finally {
      pool.shutdown();
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    }
  }
}
