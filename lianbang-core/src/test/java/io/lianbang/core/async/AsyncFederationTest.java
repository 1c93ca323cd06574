package io.lianbang.core.async;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.client.Client;
import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.LocalClientProxy;
import io.lianbang.core.federation.RoundListener;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.federation.StaticClientPool;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.ParameterMath;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link AsyncFederation} in one JVM: failures are recorded and backed off, too stale updates dropped. */
class AsyncFederationTest {
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private static Parameters zeros() {
    return Parameters.of(Tensor.vector(0f, 0f, 0f));
  }

  /** A client whose fit is {@code fit}, counting its calls in {@code calls}. */
  private static Client client(Function<FitTask, FitResult> fit, AtomicInteger calls) {
    return new Client() {
      @Override
      public FitResult fit(FitTask task) {
        calls.incrementAndGet();
        return fit.apply(task);
      }

      @Override
      public EvalResult evaluate(EvalTask task) {
        throw new UnsupportedOperationException("no evaluation");
      }
    };
  }

  /** Adds 1 to every value. */
  private static FitResult plusOne(FitTask task) {
    return new FitResult(ParameterMath.zip(task.parameters(), task.parameters(), (i, a, b) -> a + 1f), 10, Metrics.of("train_loss", 1));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void failingClientsAreRecordedByKindBackedOffAndNeverStopTheRun() throws Exception {
    Map<String, AtomicInteger> calls = new TreeMap<>();
    for (String id : List.of("good", "nan", "slow", "throws")) calls.put(id, new AtomicInteger());
    List<ClientProxy> proxies = List.of(
        new LocalClientProxy("good", client(AsyncFederationTest::plusOne, calls.get("good")), pool),
        new LocalClientProxy("throws", client(t -> {
          throw new IllegalStateException("disk full");
        }, calls.get("throws")), pool),
        new LocalClientProxy("nan", client(t -> new FitResult(Parameters.of(Tensor.vector(Float.NaN, 0f, 0f)), 10, Metrics.empty()),
            calls.get("nan")), pool),
        new LocalClientProxy("slow", client(t -> {
          sleep(3000);
          return plusOne(t);
        }, calls.get("slow")), pool));
    AsyncFederationConfig config = AsyncFederationConfig.builder().fedBuff(new FedBuffSettings(1, 10, 1.0, StalenessWeight.FEDBUFF))
        .concurrency(2).serverUpdates(12).seed(3).minClients(4).taskTimeout(Duration.ofMillis(300))
        .runTimeout(Duration.ofSeconds(30)).failureBackoff(Duration.ofSeconds(60)).build();
    RunResult run = new AsyncFederation(new StaticClientPool(proxies), config, null, List.of()).run(zeros());

    assertEquals(12, run.history().rounds().size());
    Map<String, ClientFailure.Kind> failed = new TreeMap<>();
    for (RoundRecord r : run.history().rounds()) {
      for (ClientFailure f : r.failures()) assertEquals(null, failed.put(f.clientId(), f.kind()), "failed twice: " + f);
    }
    assertFalse(failed.isEmpty(), "one slot of the first two went to a failing client");
    assertFalse(failed.containsKey("good"));
    Map<String, ClientFailure.Kind> expected = Map.of("throws", ClientFailure.Kind.ERROR, "nan", ClientFailure.Kind.INVALID,
        "slow", ClientFailure.Kind.TIMEOUT);
    failed.forEach((id, kind) -> assertEquals(expected.get(id), kind, id));
    for (String id : expected.keySet()) assertTrue(calls.get(id).get() <= 1, id + " was retried within its backoff: " + calls);
    // only the good client's updates count, each fresh or nearly so: the model moved by about 12
    float[] x = run.parameters().flatten();
    assertTrue(x[0] > 6 && x[0] <= 12, "model " + x[0]);
  }

  @Test
  void anUpdateStalerThanMaxStalenessIsDroppedAndCounted() throws Exception {
    AtomicInteger version = new AtomicInteger();
    AtomicInteger slowCalls = new AtomicInteger();
    // the slow client returns only once the server is 2 versions past its start (10 s at most)
    Client slow = client(t -> {
      for (int n = 0; n < 2000 && version.get() < t.round() + 1; n++) sleep(5);
      return plusOne(t);
    }, slowCalls);
    List<Boolean> slowOutcomes = new CopyOnWriteArrayList<>();
    // from version 2 on, the fast client waits for the slow one's update to have arrived (10 s at most)
    Client fast = client(t -> {
      for (int n = 0; n < 2000 && t.round() > 2 && slowOutcomes.isEmpty(); n++) sleep(5);
      return plusOne(t);
    }, new AtomicInteger());
    List<ClientProxy> proxies = List.of(new LocalClientProxy("fast", fast, pool), new LocalClientProxy("slow", slow, pool));
    RoundListener listener = new RoundListener() {
      @Override
      public void clientFinished(int round, String clientId, boolean succeeded) {
        if (clientId.equals("slow")) slowOutcomes.add(succeeded);
      }

      @Override
      public void roundCompleted(RoundRecord record, int rounds) {
        version.set(record.round());
      }
    };
    AsyncFederationConfig config = AsyncFederationConfig.builder().fedBuff(new FedBuffSettings(1, 0, 1.0, StalenessWeight.FEDBUFF))
        .concurrency(2).serverUpdates(4).seed(1).taskTimeout(Duration.ofSeconds(20)).runTimeout(Duration.ofSeconds(30)).build();
    RunResult run = new AsyncFederation(new StaticClientPool(proxies), config, null, List.of(listener)).run(zeros());

    long dropped = 0;
    for (RoundRecord r : run.history().rounds()) {
      assertTrue(r.failures().isEmpty(), r.failures().toString());
      dropped += r.fitMetrics().get(AsyncFederation.DROPPED_STALE).orElseThrow().longValue();
    }
    assertTrue(slowOutcomes.size() >= 1, "the slow client's first update arrived");
    assertFalse(slowOutcomes.contains(true), "max staleness 0 buffers no stale update");
    assertEquals(slowOutcomes.size(), dropped);
    // every server update is the fast client's fresh +1
    assertArrayEquals(new float[] {4f, 4f, 4f}, run.parameters().flatten());
  }

  /**
   * Federated evaluation at every 2nd update and the last, on the clients with no fit task in
   * flight: the records carry the weighted mean of their results on the new model, a client whose
   * evaluation fails is left out without stopping the run, and the fits and the final model are
   * those of the run without evaluation, bit for bit.
   */
  @Test
  void federatedEvaluationRunsAtEvaluationPointsAndLeavesTheFitsAsTheyWere() throws Exception {
    AsyncFederationConfig config = AsyncFederationConfig.builder().fedBuff(new FedBuffSettings(1, 10, 1.0, StalenessWeight.FEDBUFF))
        .concurrency(1).serverUpdates(5).seed(9).evaluateEvery(2).taskTimeout(Duration.ofSeconds(20))
        .runTimeout(Duration.ofSeconds(60)).build();
    List<Integer> evaluated = new CopyOnWriteArrayList<>();
    Function<String, List<ClientProxy>> clients = prefix -> {
      List<ClientProxy> out = new java.util.ArrayList<>();
      for (int i = 1; i <= 4; i++) {
        long examples = i;
        boolean broken = i == 4;
        out.add(new LocalClientProxy("c" + i, new Client() {
          @Override
          public FitResult fit(FitTask task) {
            return plusOne(task);
          }

          @Override
          public EvalResult evaluate(EvalTask task) {
            evaluated.add(task.round());
            if (broken) throw new IllegalStateException("no test data");
            // the model's first value as the loss: the server's version, each update adds 1
            return new EvalResult(task.parameters().tensor(0).get(0) * examples, examples, Metrics.of("accuracy", examples));
          }
        }, pool));
      }
      return out;
    };
    io.lianbang.core.strategy.FedAvg all = io.lianbang.core.strategy.FedAvg.builder().fractionEvaluate(1.0).build();
    RunResult with = new AsyncFederation(new StaticClientPool(clients.apply("a")), config, null, all, List.of()).run(zeros());
    assertEquals(List.of(2, 2, 2, 2, 4, 4, 4, 4, 5, 5, 5, 5), evaluated.stream().sorted().toList(),
        "the 4 idle clients evaluate versions 2, 4 and 5");
    for (RoundRecord r : with.history().rounds()) {
      boolean point = r.round() % 2 == 0 || r.round() == 5;
      assertEquals(point, r.federated().isPresent(), "update " + r.round());
      r.federated().ifPresent(e -> {
        assertEquals(6, e.numExamples(), "clients 1 to 3; 4 failed");
        assertEquals(r.round() * (1 + 4 + 9) / 6.0, e.loss(), 1e-12, "example-weighted loss of update " + r.round());
        assertEquals((1 + 4 + 9) / 6.0, e.metrics().get("accuracy").orElseThrow(), 1e-12);
      });
      assertTrue(r.failures().isEmpty(), "evaluation failures are not fit failures: " + r.failures());
    }
    RunResult without = new AsyncFederation(new StaticClientPool(clients.apply("b")), config, null, List.of()).run(zeros());
    assertArrayEquals(new float[] {5f, 5f, 5f}, with.parameters().flatten());
    assertArrayEquals(without.parameters().flatten(), with.parameters().flatten());
    assertEquals(without.history().rounds().stream().map(r -> r.withoutTiming().fitMetrics()).toList(),
        with.history().rounds().stream().map(r -> r.withoutTiming().fitMetrics()).toList());
  }

  /**
   * A run that stops after server update 3 of 6 (here a listener throws) and is started again
   * with its checkpoint continues from update 3: with one task in flight it ends with the
   * uninterrupted run's model and history, bit for bit; a complete run and another seed are
   * refused.
   */
  @Test
  void aResumedRunEndsWithTheUninterruptedRunsModelBitForBit(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    // each update depends on the task's seed, so the resumed run must continue the dispatch draws and task counts
    Function<FitTask, FitResult> seeded = t -> new FitResult(ParameterMath.zip(t.parameters(), t.parameters(),
        (i, a, b) -> a + (float) Math.floorMod(t.seed() + i, 17) / 16f), 10, Metrics.of("train_loss", 1));
    Function<AtomicInteger, StaticClientPool> pool4 = calls -> {
      List<ClientProxy> proxies = new java.util.ArrayList<>();
      for (int i = 0; i < 4; i++) proxies.add(new LocalClientProxy("c" + i, client(seeded, calls), pool));
      return new StaticClientPool(proxies);
    };
    AsyncFederationConfig config = AsyncFederationConfig.builder().fedBuff(new FedBuffSettings(2, 10, 1.0, StalenessWeight.FEDBUFF))
        .concurrency(1).serverUpdates(6).seed(5).taskTimeout(Duration.ofSeconds(20)).runTimeout(Duration.ofSeconds(60)).build();
    java.util.SortedMap<String, String> description = new TreeMap<>(Map.of("model", "vector:3"));
    RunResult uninterrupted = new AsyncFederation(pool4.apply(new AtomicInteger()), config, null, null, List.of()).run(zeros());

    io.lianbang.core.federation.CheckpointFile file = new io.lianbang.core.federation.CheckpointFile(dir.resolve("fedbuff.ckpt"));
    RoundListener crash = new RoundListener() {
      @Override
      public void roundCompleted(RoundRecord record, int rounds) {
        if (record.round() == 3) throw new IllegalStateException("the server stops");
      }
    };
    AtomicInteger before = new AtomicInteger();
    org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> new AsyncFederation(pool4.apply(before), config, null, null, List.of(crash), file, description).run(zeros()));
    assertEquals(3, file.read().orElseThrow().round(), "the checkpoint of update 3 was written before the listeners heard of it");
    AtomicInteger after = new AtomicInteger();
    RunResult resumed = new AsyncFederation(pool4.apply(after), config, null, null, List.of(), file, description).run(zeros());

    assertArrayEquals(uninterrupted.parameters().flatten(), resumed.parameters().flatten());
    assertEquals(uninterrupted.history().rounds().stream().map(RoundRecord::withoutTiming).toList(),
        resumed.history().rounds().stream().map(RoundRecord::withoutTiming).toList());
    assertEquals(12, before.get() + after.get(), "6 updates of 2: the resumed run trained only what was left");
    IllegalStateException complete = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> new AsyncFederation(pool4.apply(new AtomicInteger()), config, null, null, List.of(), file, description).run(zeros()));
    assertTrue(complete.getMessage().contains("already complete"), complete.getMessage());
    AsyncFederationConfig otherSeed = AsyncFederationConfig.builder().fedBuff(config.fedBuff()).concurrency(1).serverUpdates(8)
        .seed(6).build();
    IllegalStateException other = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> new AsyncFederation(pool4.apply(new AtomicInteger()), otherSeed, null, null, List.of(), file, description).run(zeros()));
    assertTrue(other.getMessage().contains("seed: 5 in the checkpoint, 6 now"), other.getMessage());
  }
}
