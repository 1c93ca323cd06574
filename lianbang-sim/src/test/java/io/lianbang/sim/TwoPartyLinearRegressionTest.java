package io.lianbang.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.LocalClientProxy;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.federation.StaticClientPool;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.engine.client.EngineClient;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.nn.Init;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.engine.nn.Models;
import io.lianbang.engine.nn.OptimizerType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * The textbook example: two parties hold private rows of a linear-regression problem with
 * different feature distributions, and train one model by federated averaging.
 *
 * <p>With one full-batch gradient step per round, averaging the parties' models weighted by their
 * row counts is exactly a gradient step on the pooled mean squared error, so FedAvg must converge
 * to the least-squares solution of the pooled data. The test computes that solution
 * independently (normal equations in double precision) and records every message that crosses
 * the boundary, to show that only parameters, counts and metrics ever leave a party.
 */
class TwoPartyLinearRegressionTest {
  private static final double[] TRUE_WEIGHTS = {2.0, -1.0, 0.5};
  private static final double TRUE_BIAS = 3.0;

  /** A party's private rows: features drawn around {@code shift} with spread {@code scale}. */
  private static Dataset party(int rows, double shift, double scale, long seed) {
    Random r = new Random(seed);
    float[] x = new float[rows * 3];
    float[] y = new float[rows];
    for (int i = 0; i < rows; i++) {
      double t = TRUE_BIAS + r.nextGaussian() * 0.3;
      for (int j = 0; j < 3; j++) {
        x[i * 3 + j] = (float) (shift + scale * r.nextGaussian());
        t += TRUE_WEIGHTS[j] * x[i * 3 + j];
      }
      y[i] = (float) t;
    }
    return Dataset.regression(x, new int[] {3}, y, 1);
  }

  /** Least squares on the pooled rows: solves (AᵀA) w = Aᵀy with A = [x, 1] by Gaussian elimination. */
  private static double[] pooledLeastSquares(List<Dataset> parties) {
    double[][] m = new double[4][5];
    for (Dataset d : parties) {
      for (int i = 0; i < d.size(); i++) {
        double[] a = {d.features()[i * 3], d.features()[i * 3 + 1], d.features()[i * 3 + 2], 1};
        for (int p = 0; p < 4; p++) {
          for (int q = 0; q < 4; q++) m[p][q] += a[p] * a[q];
          m[p][4] += a[p] * d.targets()[i];
        }
      }
    }
    for (int c = 0; c < 4; c++) {
      for (int r = c + 1; r < 4; r++) {
        double f = m[r][c] / m[c][c];
        for (int k = c; k < 5; k++) m[r][k] -= f * m[c][k];
      }
    }
    double[] w = new double[4];
    for (int r = 3; r >= 0; r--) {
      double s = m[r][4];
      for (int k = r + 1; k < 4; k++) s -= m[r][k] * w[k];
      w[r] = s / m[r][r];
    }
    return w;
  }

  /** Wraps a proxy and keeps every value that crosses the boundary in either direction. */
  private static final class RecordingProxy implements ClientProxy {
    final ClientProxy inner;
    final List<Parameters> sent = new ArrayList<>();
    final List<FitResult> received = new ArrayList<>();

    RecordingProxy(ClientProxy inner) {
      this.inner = inner;
    }

    @Override
    public String id() {
      return inner.id();
    }

    @Override
    public synchronized CompletableFuture<FitResult> fit(FitTask task, Instant deadline) {
      sent.add(task.parameters());
      return inner.fit(task, deadline).thenApply(r -> {
        synchronized (this) {
          received.add(r);
        }
        return r;
      });
    }

    @Override
    public synchronized CompletableFuture<EvalResult> evaluate(EvalTask task, Instant deadline) {
      sent.add(task.parameters());
      return inner.evaluate(task, deadline);
    }
  }

  @Test
  void fedAvgConvergesToThePooledLeastSquaresSolution() throws Exception {
    Dataset hospitalA = party(200, 1.0, 1.0, 1);
    Dataset hospitalB = party(300, -1.0, 1.5, 2);
    double[] expected = pooledLeastSquares(List.of(hospitalA, hospitalB));

    ModelSpec linear = ModelSpec.parse("linear:3");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      RecordingProxy a = new RecordingProxy(new LocalClientProxy("hospital-a", new EngineClient(linear, hospitalA, hospitalA, 1), pool));
      RecordingProxy b = new RecordingProxy(new LocalClientProxy("hospital-b", new EngineClient(linear, hospitalB, hospitalB, 1), pool));
      FedAvg strategy = FedAvg.builder()
          .minFitClients(2).minAvailableClients(2)
          .fitConfig(round -> EngineClient.fitConfig(1, 1_000, OptimizerType.SGD, 0.05, 0, 0)) // one full-batch step
          .build();
      Parameters initial = Models.create(linear, Init.PYTORCH_DEFAULT, 7).parameters();
      RunResult run = new Federation(strategy, new StaticClientPool(List.of(a, b)), FederationConfig.of(600, 7), List.of())
          .run(initial);

      float[] w = run.parameters().flatten(); // weight [1, 3] then bias [1]
      for (int j = 0; j < 4; j++) {
        assertEquals(expected[j], w[j], 1e-3, "coefficient " + j + " of " + Arrays.toString(w));
      }

      // Only model-sized parameters, the row count, the loss and the number of local steps ever
      // crossed the boundary.
      for (RecordingProxy p : List.of(a, b)) {
        assertEquals(600, p.received.size());
        for (Parameters sent : p.sent) assertEquals(4, sent.elementCount());
        Dataset own = p == a ? hospitalA : hospitalB; // 200 or 300 rows of 3 features stay with their owner
        for (FitResult r : p.received) {
          assertEquals(4, r.parameters().elementCount());
          assertEquals(own.size(), r.numExamples());
          assertEquals(Set.of("train_loss", "local_steps"), r.metrics().asMap().keySet());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
