package io.lianbang.cli;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.lianbang.core.client.Client;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import java.time.Duration;
import static io.lianbang.cli.ServerConfigs.freePort;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.cli.run.Simulator;
import io.lianbang.core.federation.Checkpoint;
import io.lianbang.core.federation.CheckpointFile;
import io.lianbang.engine.data.BreastCancer;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.data.IidPartitioner;
import io.lianbang.engine.data.Splits;
import io.lianbang.engine.data.Standardizer;
import io.lianbang.core.federation.History;
import io.lianbang.engine.nn.Models;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lianbang certs}, {@code server} and {@code client} together over mutual TLS on loopback, and their errors. */
class FederateCommandsTest {
  @TempDir Path dir;

  private static Cli run(String... args) {
    return Cli.run(Simulator.standard(), args);
  }

  /** A two-round logistic-regression server on {@code port} writing its history to dir/history, plus {@code lines}. */
  private Path serverConfig(String name, int port, String... lines) throws IOException {
    return ServerConfigs.write(dir, name, port, 2, dir.resolve("history"), lines);
  }

  /** SCAFFOLD, so the control variates travel with the model both ways over mutual TLS. */
  @Test
  void certsServerAndTwoClientsRunAFederation() throws Exception {
    Path certs = dir.resolve("certs");
    Cli c = run("certs", "--out", certs.toString(), "--server-host", "localhost", "--clients", "hospital-a,hospital-b");
    assertEquals(0, c.exit, c.toString());
    int port = freePort();
    Path config = serverConfig("two-hospitals", port,
        "seed: 7",
        "tls:",
        "  certificate: " + certs.resolve("server.pem"),
        "  private_key: " + certs.resolve("server-key.pem"),
        "  client_ca: " + certs.resolve("ca.pem"),
        "clients: [hospital-a, hospital-b]",
        "checkpoint: " + dir.resolve("server.ckpt"),
        "strategy: {name: scaffold, params: {server_lr: 1.0}}");
    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      Future<Cli> server = threads.submit(() -> run("server", "--config", config.toString()));
      Future<?>[] clients = new Future<?>[2];
      String[] names = {"hospital-a", "hospital-b"};
      for (int i = 0; i < 2; i++) {
        String n = names[i];
        String data = "breast-cancer:" + i + "/2";
        clients[i] = threads.submit(() -> run("client", "--server", "localhost:" + port, "--data", data, "--model", "logistic:30",
            "--name", n, "--ca", certs.resolve("ca.pem").toString(), "--cert", certs.resolve("client-" + n + ".pem").toString(),
            "--key", certs.resolve("client-" + n + "-key.pem").toString(), "--give-up-after", "30"));
      }
      Cli s = server.get(90, TimeUnit.SECONDS);
      assertEquals(0, s.exit, s.toString());
      assertTrue(s.out.contains("round  2/2  clients 2/2") && s.out.contains("done: 2 rounds"), s.toString());
      for (Future<?> f : clients) {
        Cli r = (Cli) f.get(30, TimeUnit.SECONDS);
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.contains("done after 2 training"), r.toString());
      }
      assertEquals(2, new CheckpointFile(dir.resolve("server.ckpt")).read().orElseThrow().round());
      List<String> csv = Files.readAllLines(dir.resolve("history").resolve("history.csv"));
      assertEquals(3, csv.size(), "header and two rounds: " + csv);
      String json = Files.readString(dir.resolve("history").resolve("history.json"));
      assertTrue(json.contains("\"name\" : \"scaffold\"") && json.contains("\"rounds_completed\" : 2"), json);
    } finally {
      threads.shutdownNow();
    }
  }

  /** Secure aggregation from the command line: a server with privacy.secagg and three 'lianbang client --secagg'. */
  @Test
  void secureAggregationFromTheCommandLine() throws Exception {
    int port = freePort();
    Path config = serverConfig("secagg", port,
        "allow_anonymous: true",
        "strategy: {clients_per_round: 3, evaluate_clients_per_round: 3}",
        "privacy: {secagg: {enabled: true, stage_timeout_seconds: 30}}");
    List<Cli> runs = ThreeSites.deploy(config, port, 90, "--secagg");
    Cli s = runs.get(0);
    assertEquals(0, s.exit, s.toString());
    assertTrue(s.out.contains("round  2/2  clients 3/3"), s.toString());
    ThreeSites.assertClientsDone(runs, "done after 2 training and 2 evaluation tasks, 16 secure-aggregation stages, 2 statistics tasks");
    // the statistics were securely aggregated too: the scaler is that of the three training shares pooled
    assertTrue(s.out.contains("statistics of 3 clients"), s.toString());
    Dataset raw = BreastCancer.load();
    List<Dataset> parts = new IidPartitioner(3).partition(raw, 42).subsets(raw);
    float[] pooled = new float[0];
    for (Dataset p : parts) {
      float[] x = Splits.stratified(p, 0.2, ClientCommand.VALIDATION_SEED).train().features();
      float[] all = java.util.Arrays.copyOf(pooled, pooled.length + x.length);
      System.arraycopy(x, 0, all, pooled.length, x.length);
      pooled = all;
    }
    Standardizer expected = Standardizer.fit(Dataset.classification(pooled, new int[] {30}, new int[pooled.length / 30], 2));
    var scaler = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("history").resolve("scaler.json").toFile());
    for (int j = 0; j < 30; j++) {
      assertEquals(expected.mean()[j], scaler.get("mean").get(j).asDouble(), 1e-5 * expected.std()[j], "mean[" + j + "]");
      assertEquals(expected.std()[j], scaler.get("std").get(j).asDouble(), 1e-5 * expected.std()[j], "std[" + j + "]");
    }
    String json = Files.readString(dir.resolve("history").resolve("history.json"));
    assertTrue(json.contains("\"secagg_clients\" : 3.0"), json);
    List<String> csv = Files.readAllLines(dir.resolve("history").resolve("history.csv"));
    double fedAccuracy = Double.parseDouble(csv.get(2).split(",")[8]);
    assertTrue(fedAccuracy > 0.9, "the securely aggregated model learns: federated accuracy " + fedAccuracy + " in " + csv);
  }

  /** A server configuration that waits one second for clients, checkpointing to dir/run.ckpt. */
  private Path resumableConfig() throws IOException {
    return waitOneSecond(serverConfig("resume", freePort(), "allow_anonymous: true", "checkpoint: " + dir.resolve("run.ckpt")));
  }

  private static Path waitOneSecond(Path config) throws IOException {
    return Files.writeString(config, Files.readString(config).replace("wait_for_clients_seconds: 60", "wait_for_clients_seconds: 1"));
  }

  /** Writes a checkpoint after {@code round} of 2 of the run that {@code config} describes. */
  private static void checkpoint(Path config, int round) {
    var c = io.lianbang.cli.config.ConfigLoader.loadServer(config, List.of());
    new CheckpointFile(c.checkpoint()).write(new Checkpoint(c.seed(), c.rounds(), round,
        Models.create(c.model(), c.seed()).parameters(), new History(List.of()), new byte[0], c.runDescription()));
  }

  @Test
  void aCheckpointOfAnotherConfigurationIsRefusedNamingTheDifference() throws Exception {
    Path config = resumableConfig();
    checkpoint(config, 1);
    Files.writeString(config, Files.readString(config).replace("learning_rate: 0.1", "learning_rate: 0.05")
        .replace("optimizer: sgd", "optimizer: adam"));
    Cli c = run("server", "--config", config.toString());
    assertEquals(2, c.exit, c.toString());
    assertTrue(c.err.contains("is of another run (training.learning_rate: 0.1 in the checkpoint, 0.05 now; "
        + "training.optimizer: sgd in the checkpoint, adam now)") && c.err.contains("--new-run"), c.err);
    assertTrue(!c.out.contains("listening"), "refused before listening: " + c);
  }

  @Test
  void aCompleteRunSaysSoAndNewRunMovesItsCheckpointAside() throws Exception {
    Path config = resumableConfig();
    checkpoint(config, 2);
    Path file = dir.resolve("run.ckpt");
    byte[] complete = Files.readAllBytes(file);
    Cli c = run("server", "--config", config.toString());
    assertEquals(2, c.exit, c.toString());
    assertTrue(c.err.contains("this run is already complete (2 of 2 rounds)") && c.err.contains("--new-run"), c.err);

    c = run("server", "--config", config.toString(), "--new-run");
    assertTrue(c.out.contains("moved the checkpoint of the previous run to " + file + ".1"), c.toString());
    assertArrayEquals(complete, Files.readAllBytes(dir.resolve("run.ckpt.1")));
    assertTrue(c.err.contains("needed 2 clients"), "the new run started and waited for clients: " + c);
  }

  @Test
  void unwritableOutputAndCheckpointDirectoriesFailAtTheStart() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    Path config = waitOneSecond(serverConfig("paths", freePort(), "allow_anonymous: true"));
    String text = Files.readString(config);
    Files.writeString(config, text.replace("output: " + dir.resolve("history"), "output: " + file.resolve("history")));
    Cli c = run("server", "--config", config.toString());
    assertEquals(2, c.exit, c.toString());
    assertTrue(c.err.contains("output: cannot write to directory " + file.resolve("history")), c.err);

    Files.writeString(config, text + "checkpoint: " + file.resolve("run.ckpt") + "\n");
    c = run("server", "--config", config.toString());
    assertEquals(2, c.exit, c.toString());
    assertTrue(c.err.contains("checkpoint: cannot write to directory " + file), c.err);
  }

  @Test
  void certsRunTwiceKeepsTheCaAndEveryKeyAndAddsWhatIsMissing() throws Exception {
    Path certs = dir.resolve("certs");
    Cli c = run("certs", "--out", certs.toString(), "--clients", "hospital-a,hospital-b");
    assertEquals(0, c.exit, c.toString());
    byte[] ca = Files.readAllBytes(certs.resolve("ca.pem"));
    byte[] serverKey = Files.readAllBytes(certs.resolve("server-key.pem"));
    byte[] clientKey = Files.readAllBytes(certs.resolve("client-hospital-a-key.pem"));

    c = run("certs", "--out", certs.toString(), "--clients", "hospital-a,hospital-b,hospital-c");
    assertEquals(0, c.exit, c.toString());
    assertArrayEquals(ca, Files.readAllBytes(certs.resolve("ca.pem")));
    assertArrayEquals(serverKey, Files.readAllBytes(certs.resolve("server-key.pem")));
    assertArrayEquals(clientKey, Files.readAllBytes(certs.resolve("client-hospital-a-key.pem")));
    assertTrue(c.out.contains("kept") && c.out.contains("client-hospital-c.pem"), c.out);
    var factory = java.security.cert.CertificateFactory.getInstance("X.509");
    java.security.cert.X509Certificate caCert;
    try (var in = Files.newInputStream(certs.resolve("ca.pem"))) {
      caCert = (java.security.cert.X509Certificate) factory.generateCertificate(in);
    }
    try (var in = Files.newInputStream(certs.resolve("client-hospital-c.pem"))) {
      factory.generateCertificate(in).verify(caCert.getPublicKey()); // signed by the kept CA
    }

    Files.delete(certs.resolve("client-hospital-b-key.pem"));
    c = run("certs", "--out", certs.toString(), "--clients", "hospital-a,hospital-b");
    c.assertBadInput("client-hospital-b.pem exists without its key client-hospital-b-key.pem");
  }

  @Test
  void theExampleServerConfigurationIsValid() {
    var c = io.lianbang.cli.config.ConfigLoader.loadServer(Path.of("..", "examples", "federation", "server.yaml"), List.of());
    ServerCommand.Setup s = ServerCommand.setup(c);
    assertEquals(10, s.federation().rounds());
    assertEquals(2, s.strategy().minAvailableClients());
    assertEquals(31, s.initial().elementCount());
  }

  @Test
  void theExampleClientConfigurationIsValidAndFlagsOverrideIt() {
    Path file = Path.of("..", "examples", "federation", "client.yaml");
    var c = io.lianbang.cli.config.ConfigLoader.loadClient(file, List.of());
    assertEquals("hospital-a", c.name());
    assertEquals(Path.of("certs/client-hospital-a.pem").toAbsolutePath(), c.tls().certificate());
    var b = io.lianbang.cli.config.ConfigLoader.loadClient(file,
        ClientCommand.FLAGS.assignments(Main.newCommandLine(new Main()).parseArgs("client", "--name", "hospital-b", "--data",
            "breast-cancer:1/2").subcommand()));
    assertEquals("hospital-b", b.name());
    assertEquals("breast-cancer:1/2", b.data());
    assertEquals(c.tls(), b.tls());
  }

  /** Anonymous names share the namespace of authenticated identities: the combination is refused before anything starts. */
  @Test
  void anonymousClientsCannotBeMixedWithAuthenticatedOnes() throws Exception {
    Path bad = dir.resolve("mixed.yaml");
    for (String[] wrong : new String[][] {{"tokens: {alice: alice-0123456789abcdef}", "allow_anonymous: true cannot be combined with tokens"},
        {"tls: {certificate: s.pem, private_key: k.pem, client_ca: ca.pem}", "allow_anonymous: true cannot be combined with tls.client_ca"}}) {
      Files.writeString(bad, "model: logistic:30\nallow_anonymous: true\n" + wrong[0] + "\n");
      var e = org.junit.jupiter.api.Assertions.assertThrows(io.lianbang.cli.config.ConfigException.class,
          () -> io.lianbang.cli.config.ConfigLoader.loadServer(bad, List.of()), wrong[0]);
      assertTrue(e.getMessage().contains(wrong[1]) && e.getMessage().contains("take over"), e.getMessage());
    }
  }

  /**
   * A client whose every result is invalid (one flattened tensor for the two of logistic:30) never
   * lets the model change: the round lines say why, the end names the client and the reason, and
   * the server exits 1 instead of reporting success.
   */
  @Test
  void aRunWhoseModelNeverChangesEndsWithASummaryAndExitCodeOne() throws Exception {
    int port = freePort();
    Path config = serverConfig("broken", port, "allow_anonymous: true", "strategy: {clients_per_round: 1, evaluate_clients_per_round: 1}", "normalize: none");
    ExecutorService threads = Executors.newCachedThreadPool();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      Future<Cli> server = threads.submit(() -> run("server", "--config", config.toString()));
      Client flattening = new Client() {
        @Override
        public FitResult fit(FitTask task) {
          return new FitResult(Parameters.of(Tensor.vector(task.parameters().flatten())), 10, Metrics.empty());
        }

        @Override
        public EvalResult evaluate(EvalTask task) {
          return new EvalResult(0.5, 10, Metrics.empty());
        }
      };
      threads.submit(() -> new FederationClient(channel, flattening,
          ClientSettings.defaults("flattener").withGiveUpAfter(Duration.ofSeconds(30))).run());
      Cli s = server.get(90, TimeUnit.SECONDS);
      assertEquals(1, s.exit, s.toString());
      assertTrue(s.out.contains("round  1/2  clients 0/1") && s.out.contains("(1 failed: 1 invalid)"), s.out);
      assertTrue(s.out.contains("client flattener failed in 2 of 2 rounds; first: invalid: rejected upload: parameters: "
          + "expected 2 tensors but got 1"), s.out);
      assertTrue(s.err.contains("no round updated the model"), s.err);
    } finally {
      channel.shutdownNow();
      threads.shutdownNow();
    }
  }

  @Test
  void configurationErrorsNameTheKey() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "model: logistic:30\nlistn: 0.0.0.0:7443\n");
    Cli c = run("server", "--config", bad.toString());
    c.assertBadInput("unknown key 'listn'");

    Files.writeString(bad, "model: logistic:30\nlisten: 0.0.0.0:7443\n");
    c = run("server", "--config", bad.toString());
    c.assertBadInput("no way to authenticate");

    Files.writeString(bad, "model: logistic:30\nlisten: 0.0.0.0:7443\nallow_anonymous: true\n");
    c = run("server", "--config", bad.toString());
    c.assertBadInput("not loopback");

    for (String[] wrong : new String[][] {{"strategy: {quorum: 2}", "strategy.quorum must be in (0, 1], got 2.0"},
        {"strategy: {round_timeout_seconds: 0}", "strategy.round_timeout_seconds must be in (0, 604800] seconds (7 days), got 0.0"},
        {"strategy: {round_timeout_seconds: 9e9}", "strategy.round_timeout_seconds must be in (0, 604800] seconds (7 days), got 9.0E9"},
        {"heartbeat_seconds: 1e300", "heartbeat_seconds must be in (0, 604800] seconds (7 days), got 1.0E300"},
        {"privacy: {secagg: {enabled: true, stage_timeout_seconds: 1e10}}",
            "privacy.secagg.stage_timeout_seconds must be in (0, 604800] seconds (7 days), got 1.0E10"},
        {"listen: 127.0.0.1:99999", "listen port must be in 0..65535 (0 picks a free port), got 99999"},
        {"strategy: {name: " + "x".repeat(2_000_000) + "}", "got xxxxxxxxxx"},
        {"strategy: {clients_per_round: 0}", "strategy.clients_per_round must be >= 1, got 0"},
        {"strategy: {evaluate_clients_per_round: -1}", "strategy.evaluate_clients_per_round must be >= 0, got -1"},
        {"normalize: global", "normalize must be federated, local or none, got 'global'"},
        {"training: {learning_rate: -1}", "training.learning_rate must be > 0, got -1.0"},
        {"strategy: {name: fedsgd}", "strategy.name must be one of fedavg, "},
        {"strategy: {name: krum, clients_per_round: 4, params: {f: 1}}", "strategy.params.f must be in [0, 0] for strategy.clients_per_round 4"},
        {"strategy: {name: fedadam, params: {v0: 0, bias_correction: 2}}", "strategy.params.bias_correction must be 0 or 1, got 2.0"},
        {"strategy: {name: krum, clients_per_round: 5, params: {f: 1, m: 3, weighted: 0.5}}", "strategy.params.weighted must be 0 or 1, got 0.5"},
        {"strategy: {name: median, clients_per_round: 5}\nprivacy: {secagg: {enabled: true}}",
            "privacy.secagg cannot wrap strategy FedMedian"},
        {"privacy: {secagg: {enabled: true, k: 2, threshold: 1}}", "privacy.secagg.threshold must be >= 2 = floor((k + 1)/2) + 1"
            + " for k = 2 (more than half of the client and its k neighbours, who hold its secrets), got 1"},
        {"privacy: {paillier: {enabled: true}}", "key_holder.address must be set (host:port of 'lianbang keyholder')"},
        {"privacy: {secagg: {enabled: true}, dp: {mode: server}}", "privacy.dp.mode server cannot be combined with "
            + "privacy.secagg.enabled true: server-side clipping needs every individual update, which secure aggregation hides"},
        {"privacy: {dp: {mode: client, adaptive: true}}", "privacy.dp.adaptive needs privacy.dp.mode server, got mode client"},
        {"privacy: {dp: {mode: local, noise_multiplier: 0}}", "privacy.dp.noise_multiplier must be > 0 for mode local, got 0.0"},
        {"privacy: {dp: {mode: laplace}}", "privacy.dp.mode must be one of none, server, client, local"},
        {"checkpoint: run.ckpt\nprivacy: {dp: {mode: server}}", "privacy.dp.mode server cannot be combined with checkpoint "
            + Path.of("run.ckpt").toAbsolutePath() + ": "
            + "a resumed DP-FedAvg run would restart the privacy accountant"},
        {"strategy: {name: median, clients_per_round: 5}\nprivacy: {dp: {mode: client}}", "privacy.dp.mode client cannot wrap strategy FedMedian"},
        {"limits: {max_examples: 0}", "limits.max_examples must be in [1, 1099511627776], got 0"},
        {"limits: {max_concurrent_uploads: 0}", "limits.max_concurrent_uploads must be in [1, 1024], got 0"},
        {"limits: {max_metric_name_length: 5000}", "limits.max_metric_name_length must be in [1, 1024], got 5000"},
        {"limits: {max_connections: 10, max_connections_per_address: 11}",
            "limits.max_connections_per_address must be in [1, maxConnections = 10], got 11"},
        {"limits: {idle_timeout_seconds: 1e9}", "limits.idle_timeout_seconds must be in (0, 604800] seconds (7 days)"}}) {
      Files.writeString(bad, "model: logistic:30\nallow_anonymous: true\nwait_for_clients_seconds: 1\n" + wrong[0] + "\n");
      c = run("server", "--config", bad.toString());
      assertEquals(2, c.exit, c.toString());
      assertTrue(c.err.contains(wrong[1]), wrong[0] + ": " + c.err);
      assertTrue(c.err.length() < 1000, "the value is abbreviated: " + c.err.length() + " characters");
    }

    Files.writeString(bad, "model: mlp:784-1000000-1000000-10\nallow_anonymous: true\nwait_for_clients_seconds: 1\n");
    c = run("server", "--config", bad.toString());
    c.assertBadInput("has 1000796000010 parameters, more than the limit of 50000000");

    c = run("client", "--server", "localhost:99999", "--insecure", "--data", "breast-cancer", "--model", "logistic:30",
        "--name", "a", "--give-up-after", "2");
    assertEquals(2, c.exit, c.toString());
    assertTrue(c.err.contains("server port must be in 1..65535, got 99999") && !c.err.contains("\tat "), c.err);
    c = run("client", "--server", "localhost:1", "--insecure", "--data", "breast-cancer", "--model", "logistic:30",
        "--name", "a", "--give-up-after", "1e300");
    c.assertBadInput("give_up_after_seconds must be in (0, 604800] seconds (7 days), got 1.0E300");

    c = run("client", "--server", "localhost:1", "--data", "breast-cancer", "--model", "logistic:30", "--name", "a");
    c.assertBadInput("tls.ca (--ca) is required");
  }

  /** A client whose --model is not the server's is refused when it registers and exits with both layouts named. */
  @Test
  void aClientWithAnotherModelIsRefusedAtRegistration() throws Exception {
    int port = freePort();
    Path config = serverConfig("layout", port, "allow_anonymous: true", "strategy: {clients_per_round: 1, evaluate_clients_per_round: 1}");
    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      threads.submit(() -> run("server", "--config", config.toString()));
      Cli c = threads.submit(() -> run("client", "--server", "127.0.0.1:" + port, "--insecure", "--data", "breast-cancer:0/2",
          "--model", "logistic:29", "--name", "misfit", "--give-up-after", "60")).get(60, TimeUnit.SECONDS);
      assertEquals(1, c.exit, c.toString());
      assertTrue(c.err.contains("FAILED_PRECONDITION: model layout mismatch") && c.err.contains("29]") && c.err.contains("30]"), c.err);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void clientModelLimitErrorNamesTheKey() throws Exception {
    Cli c = run("client", "--server", "localhost:1", "--insecure", "--data", "breast-cancer", "--model", "logistic:30", "--name", "a",
        "--max-model-mb", "0");
    c.assertBadInput("max_model_mb must be in [1, 2^40], got 0");
  }
}
