package io.lianbang.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.client.Client;
import io.lianbang.core.client.LocalClientProxy;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.StaticClientPool;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.engine.client.FederatedStandardization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * docs/protocol.md, "Feature scaling": the two statistics tasks, the second with the first's
 * scaler; under secure aggregation they carry {@code normalize_bound} 10⁷ and then 10⁴, without it
 * no bound.
 */
class StatisticsRoundTest {
  /** Answers a statistics task with E[z] = 1 and E[z²] = 2 per feature, recording the task's configuration. */
  private static final class Recording implements Client {
    final List<Config> configs = new CopyOnWriteArrayList<>();

    @Override
    public FitResult fit(FitTask task) {
      configs.add(task.config());
      int features = task.parameters().tensor(0).size();
      float[] ones = new float[features];
      float[] twos = new float[features];
      java.util.Arrays.fill(ones, 1);
      java.util.Arrays.fill(twos, 2);
      return new FitResult(Parameters.of(Tensor.vector(ones), Tensor.vector(twos)), 10, Metrics.empty());
    }

    @Override
    public EvalResult evaluate(EvalTask task) {
      throw new UnsupportedOperationException("a statistics round evaluates nothing");
    }
  }

  private static List<Config> run(boolean secure) throws InterruptedException {
    Recording client = new Recording();
    ExecutorService executor = Executors.newFixedThreadPool(2);
    try {
      StaticClientPool pool = new StaticClientPool(List.of(new LocalClientProxy("a", client, executor)));
      List<Double> bounds = new ArrayList<>();
      StatisticsRound.Result r = StatisticsRound.run(pool, 3, 1, FederationConfig.of(5, 1).withRoundTimeout(Duration.ofSeconds(30)),
          secure ? (strategy, bound) -> {
            bounds.add(bound);
            return strategy;
          } : null);
      assertEquals(1, r.clients());
      if (secure) assertEquals(List.of(1e7, 1e4), bounds, "the strategy is wrapped with each task's bound");
      return client.configs;
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void underSecureAggregationTheTasksAreBoundedBy1e7Then1e4() throws Exception {
    List<Config> tasks = run(true);
    assertEquals(2, tasks.size());
    assertEquals(1e7, tasks.get(0).getDouble(FederatedStandardization.BOUND, 0));
    assertEquals(1e4, tasks.get(1).getDouble(FederatedStandardization.BOUND, 0));
    assertFalse(tasks.get(0).has(FederatedStandardization.MEAN), "the first task scales nothing");
    assertTrue(tasks.get(1).has(FederatedStandardization.MEAN) && tasks.get(1).has(FederatedStandardization.STD),
        "the second task carries the first's scaler");
    for (Config c : tasks) assertTrue(c.getBoolean(FederatedStandardization.STATISTICS, false));
  }

  @Test
  void withoutSecureAggregationTheTasksCarryNoBound() throws Exception {
    for (Config c : run(false)) assertFalse(c.has(FederatedStandardization.BOUND), c.toString());
  }
}
