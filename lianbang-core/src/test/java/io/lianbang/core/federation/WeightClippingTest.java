package io.lianbang.core.federation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.client.Client;
import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.LocalClientProxy;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * A participant cannot replace the model by claiming a huge number of examples: claims above
 * {@link FederationConfig#maxExamples()} are clipped, counted in the round's metrics, and never
 * overflow into a negative or NaN weight.
 */
class WeightClippingTest {
  /** Fits to {@code value} and evaluates with loss {@code value}, claiming {@code examples} both times. */
  private static Client claiming(float value, long examples) {
    return new Client() {
      @Override
      public FitResult fit(FitTask task) {
        return new FitResult(Parameters.of(Tensor.vector(value, value)), examples, Metrics.of("train_loss", value));
      }

      @Override
      public EvalResult evaluate(EvalTask task) {
        return new EvalResult(value, examples, Metrics.empty());
      }
    };
  }

  private static RunResult run(FederationConfig config, long attackerClaim) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<ClientProxy> proxies = List.of(
          new LocalClientProxy("honest-a", claiming(1, 100), pool),
          new LocalClientProxy("honest-b", claiming(3, 100), pool),
          new LocalClientProxy("mallory", claiming(1000, attackerClaim), pool));
      FedAvg fedAvg = FedAvg.builder().minFitClients(3).minAvailableClients(3).fractionEvaluate(1).build();
      return new Federation(fedAvg, new StaticClientPool(proxies), config, List.of()).run(Parameters.of(Tensor.vector(0, 0)));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aHugeClaimIsClippedAndReported() throws Exception {
    RunResult r = run(FederationConfig.of(1, 3).withMaxExamples(100), 1_000_000_000_000L);
    assertArrayEquals(new float[] {334.6667f, 334.6667f}, r.parameters().flatten(), 1e-3f,
        "mallory weighs as much as an honest client, not 10^10 times more");
    RoundRecord round = r.history().last();
    assertEquals(1.0, round.fitMetrics().get(Federation.CLIPPED_METRIC).orElseThrow());
    EvalResult federated = round.federated().orElseThrow();
    assertEquals(300, federated.numExamples());
    assertEquals(1.0, federated.metrics().get(Federation.CLIPPED_METRIC).orElseThrow());
    assertEquals((1 + 3 + 1000) / 3.0, federated.loss(), 1e-9);
  }

  @Test
  void claimsUpToTheLimitAreUntouchedAndUnreported() throws Exception {
    RunResult r = run(FederationConfig.of(1, 3).withMaxExamples(100), 100);
    assertFalse(r.history().last().fitMetrics().get(Federation.CLIPPED_METRIC).isPresent());
  }

  @Test
  void theLargestClaimsCannotOverflowTheFederatedLoss() throws Exception {
    RunResult r = run(FederationConfig.of(1, 3), Long.MAX_VALUE);
    EvalResult federated = r.history().last().federated().orElseThrow();
    assertTrue(federated.numExamples() > 0 && Double.isFinite(federated.loss()), federated.toString());
  }

  @Test
  void theLimitIsValidated() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FederationConfig.of(1, 1).withMaxExamples(0));
    assertEquals("maxExamples must be in [1, 1099511627776], got 0", e.getMessage());
  }
}
