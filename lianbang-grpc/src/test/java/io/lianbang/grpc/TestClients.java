package io.lianbang.grpc;

import io.lianbang.core.client.Client;
import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.LocalClientProxy;
import io.lianbang.core.compress.CompressingClientProxy;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.federation.StaticClientPool;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Deterministic clients and reference runs shared by the tests. */
public final class TestClients {
  private TestClients() {}

  /** A client that pulls every value towards its index, with noise from the task's seed. */
  public static Client pulling(int index, long sleepMillis) {
    return new Client() {
      @Override
      public FitResult fit(FitTask task) {
        sleep(sleepMillis);
        SplittableRandom rng = new SplittableRandom(task.seed());
        List<Tensor> out = new ArrayList<>();
        double lr = task.config().getDouble("lr", 0.3);
        for (Tensor t : task.parameters().tensors()) {
          float[] w = t.toArray();
          for (int i = 0; i < w.length; i++) w[i] += (float) (lr * (index - w[i]) + rng.nextGaussian() * 0.01);
          out.add(Tensor.adopt(t.shape(), w));
        }
        return new FitResult(Parameters.of(out), 10 + index, Metrics.of("train_loss", 1.0 / (1 + index)));
      }

      @Override
      public EvalResult evaluate(EvalTask task) {
        return new EvalResult(Math.abs(task.parameters().tensor(0).get(0) - index), 5 + index, Metrics.of("accuracy", 0.5));
      }
    };
  }

  private static void sleep(long millis) {
    if (millis <= 0) return;
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  public static Parameters initial() {
    return Parameters.of(Tensor.of(new int[] {2, 3}, new float[] {0.1f, -0.2f, 0.3f, 0.4f, -0.5f, 0.6f}), Tensor.vector(1, 2));
  }

  public static FedAvg strategy(int clients) {
    return FedAvg.builder().minFitClients(clients).minAvailableClients(clients).fractionEvaluate(1.0)
        .minEvaluateClients(clients).build();
  }

  /** The same federation with every client in this JVM: what a remote run must reproduce. */
  public static RunResult reference(List<String> ids, FederationConfig config) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<ClientProxy> proxies = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) proxies.add(new LocalClientProxy(ids.get(i), pulling(i, 0), pool));
      return new Federation(strategy(ids.size()), new StaticClientPool(proxies), config, List.of()).run(initial());
    } finally {
      pool.shutdownNow();
    }
  }

  /** A model of {@code rows × cols} varied values and a small bias. */
  public static Parameters model(int rows, int cols) {
    float[] w = new float[rows * cols];
    for (int i = 0; i < w.length; i++) w[i] = (float) Math.sin(0.37 * i);
    return Parameters.of(Tensor.of(new int[] {rows, cols}, w), Tensor.vector(1, 2, 3));
  }

  /**
   * The federation in one JVM: client {@code i} is {@link TestClients#pulling pulling(i)}, wrapped
   * in a {@link CompressingClientProxy} if {@code compressing[i]}.
   */
  public static RunResult compressing(List<String> ids, boolean[] compressing, FederationConfig config, Parameters initial)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<ClientProxy> proxies = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        ClientProxy p = new LocalClientProxy(ids.get(i), pulling(i, 0), pool);
        proxies.add(compressing[i] ? new CompressingClientProxy(p) : p);
      }
      return new Federation(strategy(ids.size()), new StaticClientPool(proxies), config, List.of()).run(initial);
    } finally {
      pool.shutdownNow();
    }
  }
}
