package io.lianbang.core.federation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.client.Client;
import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.LocalClientProxy;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FederationTest {
  private final List<ExecutorService> executors = new ArrayList<>();

  @AfterEach
  void shutdown() {
    executors.forEach(ExecutorService::shutdownNow);
  }

  private static Parameters vec(float... v) {
    return Parameters.of(Tensor.vector(v));
  }

  /** A client whose fit is a function of the task; evaluation reports the first value as loss. */
  private static Client client(Function<FitTask, FitResult> fit) {
    return new Client() {
      @Override
      public FitResult fit(FitTask task) {
        return fit.apply(task);
      }

      @Override
      public EvalResult evaluate(EvalTask task) {
        return new EvalResult(task.parameters().tensor(0).get(0), 10, Metrics.of("accuracy", 0.5));
      }
    };
  }

  private static Client constant(float value, long examples) {
    return client(t -> new FitResult(vec(value, value), examples, Metrics.of("train_loss", value)));
  }

  private ClientPool pool(int threads, Client... cs) {
    ExecutorService ex = Executors.newFixedThreadPool(threads);
    executors.add(ex);
    List<ClientProxy> proxies = new ArrayList<>();
    for (int i = 0; i < cs.length; i++) proxies.add(new LocalClientProxy("client-" + i, cs[i], ex));
    return new StaticClientPool(proxies);
  }

  private static FedAvg allClients(int n) {
    return FedAvg.builder().minFitClients(n).minAvailableClients(n).fractionEvaluate(1.0).build();
  }

  @Test
  void averagesWeightedByExamples() throws Exception {
    ClientPool pool = pool(2, constant(1, 1), constant(2, 1), constant(6, 2));
    RunResult run = new Federation(allClients(3), pool, FederationConfig.of(1, 1), List.of()).run(vec(0, 0));
    assertArrayEquals(new float[] {3.75f, 3.75f}, run.parameters().flatten());
    RoundRecord r = run.history().last();
    assertEquals(3, r.succeeded());
    assertTrue(r.updated());
    assertEquals(3.75, r.fitMetrics().get("train_loss").orElseThrow(), 1e-12);
    assertEquals(3.75, r.federated().orElseThrow().loss(), 1e-6);
    assertEquals(30, r.federated().orElseThrow().numExamples());
  }

  @Test
  void failedAndInvalidClientsAreReportedAndTheRoundCompletesOnQuorum() throws Exception {
    ClientPool pool = pool(3,
        constant(2, 1),
        constant(4, 1),
        client(t -> { throw new IllegalStateException("disk full"); }),
        client(t -> new FitResult(vec(Float.NaN, 1), 5, Metrics.empty())),
        client(t -> new FitResult(vec(1, 2, 3), 5, Metrics.empty())),
        client(t -> new FitResult(vec(1, 2), 0, Metrics.empty())));
    RunResult run = new Federation(allClients(6), pool, FederationConfig.of(1, 1).withQuorum(0.3), List.of()).run(vec(0, 0));
    RoundRecord r = run.history().last();
    assertEquals(2, r.succeeded());
    assertArrayEquals(new float[] {3, 3}, run.parameters().flatten());
    List<ClientFailure> f = r.failures();
    assertEquals(4, f.size());
    assertEquals(ClientFailure.Kind.ERROR, f.get(0).kind());
    assertTrue(f.get(0).message().contains("disk full"), f.get(0).message());
    assertEquals(ClientFailure.Kind.INVALID, f.get(1).kind());
    assertTrue(f.get(1).message().contains("NaN"), f.get(1).message());
    assertTrue(f.get(2).message().contains("expected shape [2] but got [3]"), f.get(2).message());
    assertTrue(f.get(3).message().contains("numExamples must be > 0, got 0"), f.get(3).message());
  }

  @Test
  void slowClientsMissTheDeadlineWithoutBlockingTheRun() throws Exception {
    Client slow = client(t -> {
      try {
        Thread.sleep(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new FitResult(vec(100, 100), 1, Metrics.empty());
    });
    ClientPool pool = pool(3, constant(1, 1), constant(3, 1), slow);
    FederationConfig config = FederationConfig.of(2, 1).withRoundTimeout(Duration.ofMillis(300));
    long start = System.nanoTime();
    RunResult run = new Federation(allClients(3), pool, config, List.of()).run(vec(0, 0));
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(seconds < 10, "took " + seconds + " s");
    RoundRecord r = run.history().last();
    assertEquals(2, r.succeeded());
    assertEquals(ClientFailure.Kind.TIMEOUT, r.failures().get(0).kind());
    assertArrayEquals(new float[] {2, 2}, run.parameters().flatten());
  }

  @Test
  void keepsTheModelWhenTheQuorumIsNotMet() throws Exception {
    Client broken = client(t -> { throw new IllegalStateException("boom"); });
    ClientPool pool = pool(2, constant(5, 1), broken, broken);
    RunResult run = new Federation(allClients(3), pool, FederationConfig.of(1, 1).withQuorum(0.5), List.of()).run(vec(7, 7));
    assertFalse(run.history().last().updated());
    assertArrayEquals(new float[] {7, 7}, run.parameters().flatten());
  }

  @Test
  void failsClearlyWhenTooFewClientsAreAvailable() {
    ClientPool pool = pool(1, constant(1, 1));
    NotEnoughClientsException e = assertThrows(NotEnoughClientsException.class,
        () -> new Federation(allClients(3), pool, FederationConfig.of(1, 1), List.of()).run(vec(0, 0)));
    assertTrue(e.getMessage().contains("needed 3 clients but only 1"), e.getMessage());
  }

  @Test
  void sameSeedGivesIdenticalRunsWhateverTheThreadCount() throws Exception {
    // Each client returns values drawn from its task seed, with a client-dependent amount of work,
    // so arrival order varies with the thread count.
    Function<Integer, Client> seeded = i -> client(t -> {
      SplittableRandom r = new SplittableRandom(t.seed());
      float[] v = new float[64];
      for (int j = 0; j < v.length; j++) v[j] = t.parameters().tensor(0).get(j) + (float) r.nextGaussian();
      if (i % 3 == 0) Thread.onSpinWait();
      return new FitResult(Parameters.of(Tensor.vector(v)), 1 + i * 7L, Metrics.of("train_loss", v[0]));
    });
    List<float[]> finals = new ArrayList<>();
    List<History> histories = new ArrayList<>();
    for (int threads : new int[] {1, 2, 8}) {
      Client[] cs = new Client[20];
      for (int i = 0; i < cs.length; i++) cs[i] = seeded.apply(i);
      FedAvg strategy = FedAvg.builder().fractionFit(0.3).minFitClients(1).build();
      RunResult run = new Federation(strategy, pool(threads, cs), FederationConfig.of(5, 42), List.of()).run(Parameters.of(Tensor.zeros(64)));
      finals.add(run.parameters().flatten());
      histories.add(run.history().withoutTiming());
    }
    assertArrayEquals(finals.get(0), finals.get(1));
    assertArrayEquals(finals.get(0), finals.get(2));
    assertEquals(histories.get(0), histories.get(1));
    assertEquals(histories.get(0), histories.get(2));
  }
}
