package io.lianbang.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.lianbang.core.client.Client;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.strategy.robust.FedMedian;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.engine.nn.Models;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.server.ConnectionLimits;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Server memory against the number of clients: a real gRPC server (this JVM, measured) runs
 * FedAvg or the coordinate-wise median on a 21 MiB model ({@code mlp:784-2000-2000-10}) while
 * lightweight clients in another JVM answer every task at once with a slightly moved copy of the
 * model (no training: all uploads arrive together). Prints the peak live heap: the heap left by a
 * full garbage collection, forced every 100 ms during the run, maximised over the run. Run through
 * {@code bench/server-memory.sh}.
 *
 * <pre>
 * ServerMemory server PORT STRATEGY CLIENTS ROUNDS
 * ServerMemory clients PORT CLIENTS
 * </pre>
 */
public final class ServerMemory {
  private static final String MODEL = "mlp:784-2000-2000-10";
  private static final long SAMPLE_MILLIS = 100;

  private ServerMemory() {}

  public static void main(String[] args) throws Exception {
    if (args.length >= 3 && args[0].equals("clients")) {
      clients(Integer.parseInt(args[1]), Integer.parseInt(args[2]));
    } else if (args.length == 5 && args[0].equals("server")) {
      server(Integer.parseInt(args[1]), args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
    } else {
      System.err.println("usage: ServerMemory server PORT fedavg|median CLIENTS ROUNDS | ServerMemory clients PORT CLIENTS");
      System.exit(2);
    }
  }

  private static void server(int port, String strategyName, int clients, int rounds) throws Exception {
    AtomicLong peak = new AtomicLong();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener((n, h) -> {
        if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) return;
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        if (!info.getGcAction().contains("major")) return; // a young collection leaves old garbage: not the live set
        long used = 0;
        for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
          if (isHeap(e.getKey())) used += e.getValue().getUsed();
        }
        peak.accumulateAndGet(used, Math::max);
      }, null, null);
    }
    // The live set is what a full collection leaves: force one every SAMPLE_MILLIS during the run.
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "heap-sampler");
      t.setDaemon(true);
      return t;
    });
    sampler.scheduleWithFixedDelay(System::gc, SAMPLE_MILLIS, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
    Parameters initial = Models.create(MODEL, 1).parameters();
    Strategy strategy = switch (strategyName) {
      case "fedavg" -> FedAvg.builder().minFitClients(clients).minAvailableClients(clients).build();
      case "median" -> FedMedian.builder().minFitClients(clients).minAvailableClients(clients).build();
      default -> throw new IllegalArgumentException("strategy must be fedavg or median, got " + strategyName);
    };
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", port)
        .connectionLimits(ConnectionLimits.defaults().withMaxConnections(1000, 1000)) // every client dials from 127.0.0.1
        .settings(ServerSettings.defaults("server-memory").withAllowAnonymous(true).withHeartbeatInterval(Duration.ofSeconds(30)))
        .start()) {
      System.out.println("READY");
      System.out.flush();
      FederationConfig config = FederationConfig.of(rounds, 1).withRoundTimeout(Duration.ofMinutes(10)).withQuorum(1.0);
      long start = System.nanoTime();
      RunResult r = new Federation(strategy, server.clients(), config, List.of()).run(initial);
      double seconds = (System.nanoTime() - start) / 1e9;
      server.finish("done", Duration.ofSeconds(30));
      int ok = r.history().rounds().stream().mapToInt(x -> x.succeeded()).sum();
      System.gc();
      System.out.printf(Locale.ROOT, "result %s clients %d rounds %d results %d/%d seconds %.1f peak_live_heap_mib %.1f model_mib %.1f max_heap_mib %d%n",
          strategyName, clients, rounds, ok, clients * rounds, seconds, peak.get() / 1048576.0,
          initial.elementCount() * 4 / 1048576.0, Runtime.getRuntime().maxMemory() >> 20);
    }
  }

  private static boolean isHeap(String pool) {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .anyMatch(p -> p.getName().equals(pool) && p.getType() == java.lang.management.MemoryType.HEAP);
  }

  /** Answers every fit with the global model moved by a client-specific step: all clients answer at once. */
  private static final class Echo implements Client {
    private final float step;

    Echo(int index) {
      this.step = 1e-3f * (index + 1);
    }

    @Override
    public FitResult fit(FitTask task) {
      List<Tensor> out = new ArrayList<>();
      for (Tensor t : task.parameters().tensors()) {
        float[] v = t.toArray();
        for (int i = 0; i < v.length; i++) v[i] += step;
        out.add(Tensor.of(t.shape(), v));
      }
      return new FitResult(Parameters.of(out), 100, Metrics.empty());
    }

    @Override
    public EvalResult evaluate(EvalTask task) {
      return new EvalResult(0, 1, Metrics.empty());
    }
  }

  private static void clients(int port, int n) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(n);
    List<ManagedChannel> channels = new ArrayList<>();
    List<Future<FederationClient.Summary>> runs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ManagedChannel c = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().maxInboundMessageSize(32 << 20).build();
      channels.add(c);
      FederationClient fc = new FederationClient(c, new Echo(i), ClientSettings.defaults("client-" + i));
      runs.add(threads.submit(fc::run));
    }
    int fits = 0;
    for (Future<FederationClient.Summary> f : runs) fits += f.get(60, TimeUnit.MINUTES).fitTasks();
    channels.forEach(ManagedChannel::shutdownNow);
    threads.shutdownNow();
    System.out.println("clients done, " + fits + " fit tasks");
  }
}
