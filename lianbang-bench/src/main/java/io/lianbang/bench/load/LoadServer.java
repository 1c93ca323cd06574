package io.lianbang.bench.load;

import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RoundListener;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.engine.nn.Models;
import io.lianbang.grpc.server.ConnectionLimits;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.PeerLimits;
import io.lianbang.grpc.server.ServerSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The server side of {@link ConnectedDevices}, in its own JVM so that its memory and CPU time are
 * its own: a {@link FederationServer} on 127.0.0.1 (the server {@code lianbang server} runs)
 * accepting the {@link DeviceFleet}'s tokens, then FedAvg over every device on a linear model.
 * Talks to the orchestrator through standard streams: prints {@code READY port}, then
 * {@code CONNECTED millis} once every device has registered; waits for {@code go} on standard
 * input; prints a {@code ROUND} line per round (its wall time and this process's CPU time,
 * utime + stime) and a {@code DONE} line with its peak resident set (VmHWM) and its longest stall
 * ({@link StallMonitor}).
 *
 * <pre>
 * LoadServer DEVICES ROUNDS MODEL_VALUES SEED HEARTBEAT_SECONDS MAX_CONNECTIONS MAX_CONNECTIONS_PER_ADDRESS MAX_CONCURRENT_UPLOADS
 * </pre>
 */
public final class LoadServer {
  private static final Duration CONNECT_DEADLINE = Duration.ofMinutes(10);

  private LoadServer() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 8) {
      System.err.println("usage: LoadServer DEVICES ROUNDS MODEL_VALUES SEED HEARTBEAT_SECONDS MAX_CONNECTIONS "
          + "MAX_CONNECTIONS_PER_ADDRESS MAX_CONCURRENT_UPLOADS");
      System.exit(2);
    }
    int devices = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    int values = Integer.parseInt(args[2]);
    long seed = Long.parseLong(args[3]);
    Duration heartbeat = Duration.ofMillis(Math.round(Double.parseDouble(args[4]) * 1000));
    ConnectionLimits connections = ConnectionLimits.defaults().withMaxConnections(Integer.parseInt(args[5]), Integer.parseInt(args[6]));
    PeerLimits limits = PeerLimits.defaults().withMaxConcurrentUploads(Integer.parseInt(args[7]));
    PrintStream out = System.out;
    StallMonitor stalls = StallMonitor.start("stall-monitor");

    Parameters initial = Models.create(model(values), seed).parameters();
    ServerSettings settings = ServerSettings.defaults("load-" + seed).withTokens(DeviceFleet.tokens(seed, devices))
        .withHeartbeatInterval(heartbeat).withLimits(limits);
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).connectionLimits(connections)
        .settings(settings).start()) {
      server.expectLayout(initial);
      out.println("READY " + server.port());
      out.flush();
      long start = System.nanoTime();
      long end = start + CONNECT_DEADLINE.toNanos();
      while (server.connectedClients() < devices) {
        if (System.nanoTime() > end) {
          out.println("FAILED only " + server.connectedClients() + " of " + devices + " devices registered within " + CONNECT_DEADLINE);
          return;
        }
        Thread.sleep(20);
      }
      out.println("CONNECTED " + (System.nanoTime() - start) / 1_000_000);
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String command = in.readLine();
      if (!"go".equals(command)) return; // the orchestrator went away

      FedAvg strategy = FedAvg.builder().minFitClients(devices).minAvailableClients(devices).build();
      FederationConfig config = FederationConfig.builder().rounds(rounds).seed(seed).quorum(1.0)
          .roundTimeout(Duration.ofMinutes(10)).waitForClients(Duration.ofMinutes(1)).build();
      RoundListener report = new RoundListener() {
        private long cpuAtStart;

        @Override
        public void roundStarted(int round, int total, int sampled) {
          cpuAtStart = cpuNanos();
        }

        @Override
        public void roundCompleted(RoundRecord r, int total) {
          if (r.round() == 0) return;
          out.printf(Locale.ROOT, "ROUND %d sampled %d succeeded %d failures %d seconds %.3f cpu_seconds %.3f%n", r.round(), r.sampled(),
              r.succeeded(), r.failures().size(), r.seconds(), (cpuNanos() - cpuAtStart) / 1e9);
          out.flush();
        }
      };
      RunResult result = new Federation(strategy, server.clients(), config, List.of(report)).run(initial);
      server.finish("the load test is complete", Duration.ofSeconds(30));
      System.gc();
      Runtime rt = Runtime.getRuntime();
      out.printf(Locale.ROOT, "DONE rounds %d vmhwm_kib %d vmrss_kib %d heap_after_gc_kib %d threads %d max_stall_ms %d%n",
          result.history().rounds().stream().filter(r -> r.round() > 0).count(), status("VmHWM"), status("VmRSS"),
          (rt.totalMemory() - rt.freeMemory()) >> 10, Thread.activeCount(), stalls.maxMillis());
      out.flush();
    }
  }

  /** The engine model with {@code values} parameters: linear regression on {@code values − 1} features. */
  static String model(int values) {
    if (values < 2) throw new IllegalArgumentException("model values must be >= 2, got " + values);
    return "linear:" + (values - 1);
  }

  /** This process's CPU time (user + system, as /proc/self/stat counts it). */
  static long cpuNanos() {
    return ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
  }

  /** A field of /proc/self/status in KiB (VmHWM, VmRSS), or -1 where there is none. */
  static long status(String field) throws IOException {
    return ProcStatus.kib(Path.of("/proc/self/status"), field);
  }
}
