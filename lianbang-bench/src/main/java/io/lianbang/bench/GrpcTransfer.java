package io.lianbang.bench;

import io.grpc.ManagedChannel;
import io.lianbang.core.client.Client;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RoundListener;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.strategy.ClientInstruction;
import io.lianbang.core.strategy.ClientResult;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.FitAggregation;
import io.lianbang.core.strategy.FitOutcome;
import io.lianbang.core.strategy.RoundContext;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.grpc.client.ClientChannels;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Moves a large model from a server to clients and back over loopback gRPC and reports the
 * throughput and the server's peak heap; as a reference in the same run, the same number of bytes
 * over a plain loopback TCP socket. Started by {@code bench/grpc-transfer.sh}:
 *
 * <pre>
 * GrpcTransfer server PORT GIB CLIENTS ROUNDS     # prints the results
 * GrpcTransfer client PORT NAME                   # echoes the parameters it receives
 * </pre>
 *
 * <p>The server's strategy samples every client and discards their results after receiving them
 * (the model stays as it is), so what is measured is the transport: chunking, TLS-free loopback
 * HTTP/2, validation and materialising each result once on the server.
 */
public final class GrpcTransfer {
  private GrpcTransfer() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 3) throw new IllegalArgumentException("usage: server PORT GIB CLIENTS ROUNDS | client PORT NAME");
    int port = Integer.parseInt(args[1]);
    if (args[0].equals("server")) {
      server(port, Double.parseDouble(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
    } else {
      client(port, args[2]);
    }
    System.exit(0);
  }

  private static void client(int port, String name) throws Exception {
    Client echo = new Client() {
      @Override
      public FitResult fit(FitTask task) {
        return new FitResult(task.parameters(), 1, Metrics.empty());
      }

      @Override
      public EvalResult evaluate(EvalTask task) {
        return new EvalResult(0, 1, Metrics.empty());
      }
    };
    ManagedChannel channel = ClientChannels.open("127.0.0.1:" + port, null, null, true);
    try {
      new FederationClient(channel, echo, ClientSettings.defaults(name).withGiveUpAfter(Duration.ofMinutes(2))
          .withModelLimits(64L << 30, ClientSettings.DEFAULT_MAX_MODEL_TENSORS)).run(); // models of several GiB, above the 1 GiB default
    } finally {
      channel.shutdownNow();
    }
  }

  private static Parameters model(double gib) {
    long values = (long) (gib * (1L << 28));
    long perTensor = 1L << 26; // 256 MiB tensors: large arrays, but not so large that heap fragmentation decides the outcome
    List<Tensor> tensors = new ArrayList<>();
    SplittableRandom rng = new SplittableRandom(1);
    for (long left = values; left > 0; left -= perTensor) {
      float[] v = new float[(int) Math.min(perTensor, left)];
      for (int i = 0; i < v.length; i++) v[i] = (float) rng.nextDouble();
      tensors.add(Tensor.adopt(new int[] {v.length}, v));
    }
    return Parameters.of(tensors);
  }

  private static void server(int port, double gib, int clients, int rounds) throws Exception {
    Parameters model = model(gib);
    long bytes = 4 * model.elementCount();
    ServerSettings settings = ServerSettings.defaults("bench").withAllowAnonymous(true).withHeartbeatInterval(Duration.ofSeconds(10));
    List<Double> seconds = new ArrayList<>();
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", port).settings(settings).start()) {
      System.out.println("READY");
      System.out.flush();
      resetPeaks();
      RoundListener timer = new RoundListener() {
        @Override
        public void roundCompleted(RoundRecord r, int total) {
          if (r.succeeded() != clients) throw new IllegalStateException("round " + r.round() + ": " + r.failures());
          seconds.add(r.seconds());
        }
      };
      FederationConfig config = FederationConfig.of(rounds, 1).withRoundTimeout(Duration.ofMinutes(30))
          .withEvaluateEvery(Integer.MAX_VALUE / 2);
      new Federation(new Discarding(clients), server.clients(), config, List.of(timer)).run(model);
      server.finish("done", Duration.ofSeconds(10));
    }
    double peak = peakHeapBytes();
    double reference = tcpSeconds(2L * clients * bytes);
    double best = seconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    double moved = 2.0 * clients * bytes / 1e6;
    System.out.printf(Locale.ROOT, "model            %.2f GiB (%d tensors)%n", bytes / (double) (1L << 30), model.count());
    System.out.printf(Locale.ROOT, "moved per round  %.0f MB (to %d clients and back)%n", moved, clients);
    System.out.printf(Locale.ROOT, "round seconds    %s (best %.2f)%n", seconds, best);
    System.out.printf(Locale.ROOT, "gRPC throughput  %.0f MB/s%n", moved / best);
    System.out.printf(Locale.ROOT, "TCP reference    %.0f MB/s (same bytes, one plain loopback socket, 1 MiB writes)%n", moved / reference);
    System.out.printf(Locale.ROOT, "ratio gRPC/TCP   %.2f%n", (moved / best) / (moved / reference));
    System.out.printf(Locale.ROOT, "server peak heap %.2f GiB (the model is %.2f GiB)%n", peak / (1L << 30), bytes / (double) (1L << 30));
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
  }

  private static double peakHeapBytes() {
    double sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) sum += p.getPeakUsage().getUsed();
    return sum;
  }

  /** Seconds to push {@code total} bytes through one loopback TCP connection, 1 MiB per write. */
  private static double tcpSeconds(long total) throws Exception {
    try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread reader = new Thread(() -> {
        try (Socket s = ss.accept(); InputStream in = s.getInputStream()) {
          byte[] buf = new byte[1 << 20];
          while (in.read(buf) >= 0) { }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      reader.start();
      long start = System.nanoTime();
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort()); OutputStream out = s.getOutputStream()) {
        byte[] buf = new byte[1 << 20];
        for (long left = total; left > 0; left -= buf.length) out.write(buf, 0, (int) Math.min(buf.length, left));
      }
      reader.join(600_000);
      return (System.nanoTime() - start) / 1e9;
    }
  }

  /** Samples every client, receives their results and drops them: the model does not change. */
  private static final class Discarding implements Strategy {
    private final FedAvg sampler;
    private final int clients;

    Discarding(int clients) {
      this.clients = clients;
      this.sampler = FedAvg.builder().minFitClients(clients).minAvailableClients(clients).build();
    }

    @Override
    public int minAvailableClients() {
      return clients;
    }

    @Override
    public List<ClientInstruction> configureFit(int round, Parameters global, List<String> available, SplittableRandom rng) {
      return sampler.configureFit(round, global, available, rng);
    }

    @Override
    public FitAggregation beginFit(RoundContext context) {
      return new FitAggregation() {
        @Override
        public void accept(String clientId, FitResult result) { }

        @Override
        public FitOutcome complete(List<ClientFailure> failures) {
          return new FitOutcome(Optional.empty(), Metrics.empty());
        }
      };
    }

    @Override
    public List<ClientInstruction> configureEvaluate(int round, Parameters global, List<String> available, SplittableRandom rng) {
      return List.of();
    }

    @Override
    public Optional<EvalResult> aggregateEvaluate(int round, List<ClientResult<EvalResult>> results, List<ClientFailure> failures) {
      return Optional.empty();
    }

    @Override
    public Optional<EvalResult> evaluate(int round, Parameters global) {
      return Optional.empty();
    }
  }
}
