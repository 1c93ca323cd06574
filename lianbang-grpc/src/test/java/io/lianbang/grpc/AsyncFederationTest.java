package io.lianbang.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.async.AsyncFederation;
import io.lianbang.core.async.AsyncFederationConfig;
import io.lianbang.core.async.FedBuff;
import io.lianbang.core.async.FedBuffSettings;
import io.lianbang.core.async.StalenessWeight;
import io.lianbang.core.client.Client;
import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.LocalClientProxy;
import io.lianbang.core.federation.ClientPool;
import io.lianbang.core.federation.RoundListener;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.federation.StaticClientPool;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.ParameterMath;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * FedBuff over gRPC on loopback with {@link AsyncFederation}: with one task in flight the run is
 * the in-JVM run bit for bit; with three and a slow client, the run completes, the slow client's
 * updates arrive stale and count as FedBuff weighs them, and the fast clients are not held back.
 */
class AsyncFederationTest {
  @RegisterExtension final TestChannels net = new TestChannels();

  private static final List<String> IDS = List.of("client-0", "client-1", "client-2", "client-3");

  private static AsyncFederationConfig config(int concurrency, int maxStaleness, long seed) {
    return AsyncFederationConfig.builder().fedBuff(new FedBuffSettings(2, maxStaleness, 1.0, StalenessWeight.FEDBUFF))
        .concurrency(concurrency).serverUpdates(6).seed(seed).fitConfig(Config.empty().with("lr", 0.25))
        .taskTimeout(Duration.ofSeconds(30)).runTimeout(Duration.ofSeconds(60)).waitForClients(Duration.ofSeconds(20))
        .minClients(IDS.size()).failureBackoff(Duration.ofMillis(200)).evaluateEvery(3).build();
  }

  /** Centralized evaluation: the distance of the first weight to 1.5, for the record. */
  private static EvalResult evaluate(int round, Parameters p) {
    return new EvalResult(Math.abs(p.tensor(0).get(0) - 1.5), 1, Metrics.empty());
  }

  /** The run over gRPC on loopback, client {@code i} being {@code clients.apply(i)}. */
  private RunResult remote(Function<Integer, Client> clients, AsyncFederationConfig config, List<RoundListener> listeners,
      Runnable afterRun) throws Exception {
    ServerSettings settings = ServerSettings.defaults("run-async").withAllowAnonymous(true).withHeartbeatInterval(Duration.ofMillis(500));
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).settings(settings).start()) {
      List<Future<FederationClient.Summary>> runs = new ArrayList<>();
      for (int i = 0; i < IDS.size(); i++) {
        FederationClient c = new FederationClient(net.loopback(server.port()), clients.apply(i),
            ClientSettings.defaults(IDS.get(i)).withPollWait(Duration.ofSeconds(2)));
        runs.add(net.submit(c::run));
      }
      RunResult run = new AsyncFederation(server.clients(), config, AsyncFederationTest::evaluate, listeners).run(TestClients.initial());
      afterRun.run();
      server.finish("done", Duration.ofSeconds(5));
      int tasks = 0;
      for (Future<FederationClient.Summary> r : runs) {
        FederationClient.Summary s = r.get(30, TimeUnit.SECONDS);
        assertEquals("done", s.finishReason());
        tasks += s.fitTasks();
      }
      assertTrue(tasks >= 2 * config.serverUpdates(), "the clients trained " + tasks + " times");
      return run;
    }
  }

  @Test
  void oneTaskInFlightOverGrpcEqualsTheInJvmRunBitForBit() throws Exception {
    AsyncFederationConfig config = config(1, 4, 42);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    RunResult local;
    try {
      List<ClientProxy> proxies = new ArrayList<>();
      for (int i = 0; i < IDS.size(); i++) proxies.add(new LocalClientProxy(IDS.get(i), TestClients.pulling(i, 0), pool));
      ClientPool clients = new StaticClientPool(proxies);
      local = new AsyncFederation(clients, config, AsyncFederationTest::evaluate, List.of()).run(TestClients.initial());
    } finally {
      pool.shutdownNow();
    }
    RunResult remote = remote(i -> TestClients.pulling(i, 0), config, List.of(), () -> {});

    assertEquals(7, remote.history().rounds().size(), "round 0 and 6 server updates");
    assertArrayEquals(local.parameters().flatten(), remote.parameters().flatten());
    assertEquals(local.history().withoutTiming(), remote.history().withoutTiming());
    for (RoundRecord r : remote.history().rounds()) {
      assertTrue(r.failures().isEmpty(), r.failures().toString());
      if (r.round() > 0) assertEquals(0.0, r.fitMetrics().get(AsyncFederation.MEAN_STALENESS).orElseThrow(), "one task in flight is never stale");
    }
    // the model moved: a run that ignored the updates would also agree with itself
    assertTrue(ParameterMath.zip(remote.parameters(), TestClients.initial(), (i, a, b) -> a - b).flatten()[0] != 0f);
  }

  /** What a client trained: the task and its result, in the client's order. */
  private record Trained(FitTask task, FitResult result) {}

  @Test
  void aSlowClientArrivesStaleAndWeighedWhileTheFastOnesGoOn() throws Exception {
    AsyncFederationConfig config = config(3, 4, 7);
    AtomicInteger version = new AtomicInteger();
    AtomicBoolean over = new AtomicBoolean();
    AtomicReference<String> slow = new AtomicReference<>();
    Map<String, Queue<Trained>> trained = new ConcurrentHashMap<>();
    for (String id : IDS) trained.put(id, new ConcurrentLinkedQueue<>());
    List<String[]> arrivals = new ArrayList<>(); // {id, succeeded} in the server's order
    RoundListener listener = new RoundListener() {
      @Override
      public void clientFinished(int round, String clientId, boolean succeeded) {
        arrivals.add(new String[] {clientId, String.valueOf(succeeded)});
      }

      @Override
      public void roundCompleted(RoundRecord record, int rounds) {
        version.set(record.round());
      }
    };
    // The first client to get a task is slow: each of its tasks ends only once the server has
    // applied two more updates (or the run is over; 20 s at most). The others take 20 ms.
    Function<Integer, Client> clients = i -> new Client() {
      final Client inner = TestClients.pulling(i, 20);

      @Override
      public FitResult fit(FitTask task) {
        String id = IDS.get(i);
        slow.compareAndSet(null, id);
        if (id.equals(slow.get())) {
          long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
          for (int n = 0; n < 4000 && version.get() < task.round() + 1 && !over.get() && System.nanoTime() < until; n++) {
            sleep(5);
          }
        }
        FitResult r = inner.fit(task);
        trained.get(id).add(new Trained(task, r));
        return r;
      }

      @Override
      public EvalResult evaluate(EvalTask task) {
        return inner.evaluate(task);
      }
    };
    RunResult run = remote(clients, config, List.of(listener), () -> over.set(true));

    assertEquals(7, run.history().rounds().size(), "round 0 and 6 server updates");
    assertNotNull(slow.get());
    long dropped = 0;
    double staleness = 0;
    for (RoundRecord r : run.history().rounds()) {
      assertTrue(r.failures().isEmpty(), r.failures().toString());
      if (r.round() == 0) continue;
      dropped += r.fitMetrics().get(AsyncFederation.DROPPED_STALE).orElseThrow().longValue();
      staleness += r.fitMetrics().get(AsyncFederation.MEAN_STALENESS).orElseThrow();
    }
    assertTrue(staleness > 0, "some buffered update was stale");

    // Replay the arrivals, in the server's order, through a FedBuff of the same settings: each
    // update is what its client trained minus the model it started from, weighed by its staleness.
    FedBuff replay = new FedBuff(TestClients.initial(), config.fedBuff());
    int slowArrivals = 0;
    int fastArrivals = 0;
    int slowStaleness = 0;
    for (String[] a : arrivals) {
      Trained t = trained.get(a[0]).poll();
      assertNotNull(t, "a result of " + a[0] + " that it did not train");
      int start = t.task().round() - 1;
      int tau = replay.version() - start;
      Parameters delta = ParameterMath.zip(t.result().parameters(), t.task().parameters(), (i, x, s) -> x - s);
      FedBuff.Outcome outcome = replay.submit(delta, start);
      assertEquals(Boolean.parseBoolean(a[1]), outcome != FedBuff.Outcome.DROPPED_STALE, a[0] + " at staleness " + tau);
      if (a[0].equals(slow.get())) {
        slowArrivals++;
        slowStaleness = Math.max(slowStaleness, tau);
      } else {
        fastArrivals++;
      }
    }
    System.out.printf("slow client %s: %d arrivals, max staleness %d; fast clients: %d arrivals; dropped %d; sum of mean_staleness %.2f%n",
        slow.get(), slowArrivals, slowStaleness, fastArrivals, dropped, staleness);
    assertEquals(6, replay.version());
    assertArrayEquals(replay.global().flatten(), run.parameters().flatten(), "the run is FedBuff of the arrivals in their order");
    assertEquals(replay.droppedStale(), dropped, "dropped_stale counts the dropped updates");
    assertTrue(slowArrivals >= 1, "the slow client's update arrived");
    assertTrue(slowStaleness >= 2, "the slow client's update was at least 2 versions stale, got " + slowStaleness);
    assertTrue(fastArrivals > slowArrivals, fastArrivals + " fast arrivals, " + slowArrivals + " slow ones");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
