package io.lianbang.grpc.process;

import io.lianbang.core.federation.CheckpointFile;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RoundListener;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.engine.client.EngineClient;
import io.lianbang.engine.nn.Models;
import io.lianbang.engine.nn.OptimizerType;
import io.lianbang.grpc.TestClients;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import io.lianbang.grpc.tls.ServerTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A federation server in its own process, for the multi-process tests. Arguments are
 * {@code key=value}: port, rounds, seed, minClients, model (pulling | breast-cancer),
 * startWith (clients to wait for before round 1), checkpoint (file, optional), tls (certificate directory, optional: mutual TLS), heartbeatMs.
 * Prints one line per round event on stdout and writes the final model into the checkpoint.
 */
public final class ServerMain {
  private ServerMain() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = Args.parse(argv);
    int rounds = Integer.parseInt(a.get("rounds"));
    long seed = Long.parseLong(a.get("seed"));
    int min = Integer.parseInt(a.get("minClients"));
    boolean breast = "breast-cancer".equals(a.get("model"));
    FedAvg.Builder strategy = FedAvg.builder().minFitClients(min).minAvailableClients(min).fractionEvaluate(1.0).minEvaluateClients(min);
    if (breast) strategy.fitConfig(r -> EngineClient.fitConfig(1, 16, OptimizerType.SGD, 0.1, 0.0, 0.0));
    Parameters initial = breast ? Models.create("logistic:30", seed).parameters() : TestClients.initial();
    FederationConfig config = FederationConfig.of(rounds, seed).withRoundTimeout(Duration.ofSeconds(30)).withQuorum(0.5);

    ServerSettings settings = ServerSettings.defaults("process-run")
        .withHeartbeatInterval(Duration.ofMillis(Long.parseLong(a.getOrDefault("heartbeatMs", "500"))));
    FederationServer.Builder b = FederationServer.builder().bind("127.0.0.1", Integer.parseInt(a.get("port")));
    if (a.containsKey("tls")) {
      Path dir = Path.of(a.get("tls"));
      b.tls(new ServerTls(dir.resolve("server.pem"), dir.resolve("server-key.pem"), dir.resolve("ca.pem")));
    } else {
      settings = settings.withAllowAnonymous(true);
    }
    if (a.containsKey("allow")) settings = settings.withAllowedClients(java.util.Set.of(a.get("allow").split(",")));
    CheckpointFile checkpoint = a.containsKey("checkpoint") ? new CheckpointFile(Path.of(a.get("checkpoint"))) : null;
    RoundListener printer = new RoundListener() {
      @Override
      public void roundStarted(int round, int total, int sampled) {
        say("ROUND_STARTED " + round + " sampled=" + sampled);
      }

      @Override
      public void roundCompleted(RoundRecord r, int total) {
        String failures = r.failures().stream().map(f -> f.clientId() + ":" + f.kind()).collect(Collectors.joining(","));
        say("ROUND_DONE " + r.round() + " sampled=" + r.sampled() + " succeeded=" + r.succeeded() + " updated=" + r.updated()
            + " failures=[" + failures + "] accuracy=" + r.federated().flatMap(e -> e.metrics().get("accuracy")).orElse(Double.NaN));
      }
    };
    try (FederationServer server = b.settings(settings).start()) {
      server.expectLayout(initial);
      say("LISTENING " + server.port());
      int startWith = Integer.parseInt(a.getOrDefault("startWith", "0"));
      if (!server.clients().awaitAvailable(startWith, java.time.Instant.now().plusSeconds(60))) {
        throw new IllegalStateException("fewer than " + startWith + " clients connected within 60 s");
      }
      RunResult result = new Federation(strategy.build(), server.clients(), config, List.of(printer), checkpoint).run(initial);
      server.finish("the run is complete", Duration.ofSeconds(5));
      say("FINISHED rounds=" + result.history().last().round());
    }
    System.exit(0);
  }

  static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }
}
