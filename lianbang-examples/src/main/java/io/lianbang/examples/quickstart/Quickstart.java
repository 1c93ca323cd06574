package io.lianbang.examples.quickstart;

import io.lianbang.core.client.Client;
import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.LocalClientProxy;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.federation.StaticClientPool;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Two hospitals fit y = a·x + b to their private rows by federated averaging, in one JVM. */
public final class Quickstart {
  /** A data owner: its rows never leave this object; only parameters, counts and metrics do. */
  static final class MyClient implements Client {
    private final float[] x;
    private final float[] y;

    MyClient(long seed, int rows) {
      Random random = new Random(seed); // stands for the hospital's own data: y = 2x + 1 + noise
      x = new float[rows];
      y = new float[rows];
      for (int i = 0; i < rows; i++) {
        x[i] = (float) random.nextGaussian();
        y[i] = 2 * x[i] + 1 + 0.1f * (float) random.nextGaussian();
      }
    }

    @Override
    public FitResult fit(FitTask task) {
      float[] w = task.parameters().flatten(); // [a, b]
      double lr = task.config().getDouble("lr", 0.1);
      for (int step = 0; step < 5; step++) { // full-batch gradient descent on the mean squared error
        double ga = 0;
        double gb = 0;
        for (int i = 0; i < x.length; i++) {
          double error = w[0] * x[i] + w[1] - y[i];
          ga += 2 * error * x[i] / x.length;
          gb += 2 * error / x.length;
        }
        w[0] -= (float) (lr * ga);
        w[1] -= (float) (lr * gb);
      }
      // Back into the layout the server sent: a model of several tensors needs its own shapes.
      Parameters trained = Parameters.unflatten(task.parameters().shapes(), w);
      return new FitResult(trained, x.length, Metrics.of("train_loss", loss(w)));
    }

    @Override
    public EvalResult evaluate(EvalTask task) {
      return new EvalResult(loss(task.parameters().flatten()), x.length, Metrics.empty());
    }

    private double loss(float[] w) {
      double sum = 0;
      for (int i = 0; i < x.length; i++) sum += Math.pow(w[0] * x[i] + w[1] - y[i], 2);
      return sum / x.length;
    }
  }

  private Quickstart() {}

  /** Runs 20 rounds and prints the model. */
  public static void main(String[] args) throws InterruptedException {
    float[] w = run(20).parameters().flatten();
    System.out.printf("y = %.3f x + %.3f%n", w[0], w[1]);
  }

  /** A federation of two {@link MyClient}s in this JVM, for {@code rounds} rounds. */
  public static RunResult run(int rounds) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<ClientProxy> proxies = List.of(
          new LocalClientProxy("hospital-a", new MyClient(1, 200), pool),
          new LocalClientProxy("hospital-b", new MyClient(2, 300), pool));
      FedAvg strategy = FedAvg.builder()
          .minFitClients(2).minAvailableClients(2)
          .fitConfig(round -> Config.of(Map.of("lr", 0.1)))
          .build();
      Parameters initial = Parameters.of(Tensor.vector(0f, 0f));
      return new Federation(strategy, new StaticClientPool(proxies), FederationConfig.of(rounds, 42), List.of()).run(initial);
    } finally {
      pool.shutdown(); // without it the pool's threads keep the JVM alive
    }
  }
}
