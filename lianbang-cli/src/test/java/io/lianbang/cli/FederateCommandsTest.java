package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.cli.run.Simulator;
import io.lianbang.core.federation.CheckpointFile;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A two-round logistic-regression server on {@code port} writing its history to dir/history, plus {@code lines}. */
  private Path serverConfig(String name, int port, String... lines) throws IOException {
    List<String> all = new ArrayList<>(List.of("name: " + name, "rounds: 2", "model: logistic:30", "listen: 127.0.0.1:" + port,
        "round_timeout_seconds: 60", "wait_for_clients_seconds: 60", "heartbeat_seconds: 1", "output: " + dir.resolve("history"),
        "training: {local_epochs: 1, batch_size: 16, optimizer: sgd, learning_rate: 0.1, momentum: 0, weight_decay: 0}"));
    all.addAll(List.of(lines));
    Path config = dir.resolve(name + ".yaml");
    Files.writeString(config, String.join("\n", all) + "\n");
    return config;
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
        "min_clients: 2",
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
        "min_clients: 3",
        "privacy: {secagg: {enabled: true, stage_timeout_seconds: 30}}");
    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      Future<Cli> server = threads.submit(() -> run("server", "--config", config.toString()));
      List<Future<Cli>> clients = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String data = "breast-cancer:" + i + "/3";
        String name = "site-" + i;
        clients.add(threads.submit(() -> run("client", "--server", "127.0.0.1:" + port, "--insecure", "--secagg",
            "--data", data, "--model", "logistic:30", "--name", name, "--give-up-after", "30")));
      }
      Cli s = server.get(90, TimeUnit.SECONDS);
      assertEquals(0, s.exit, s.toString());
      assertTrue(s.out.contains("round  2/2  clients 3/3"), s.toString());
      for (Future<Cli> f : clients) {
        Cli r = f.get(30, TimeUnit.SECONDS);
        assertEquals(0, r.exit, r.toString());
        assertTrue(r.out.contains("done after 2 training and 2 evaluation tasks, 8 secure-aggregation stages"), r.toString());
      }
      String json = Files.readString(dir.resolve("history").resolve("history.json"));
      assertTrue(json.contains("\"secagg_clients\" : 3.0"), json);
      List<String> csv = Files.readAllLines(dir.resolve("history").resolve("history.csv"));
      double fedAccuracy = Double.parseDouble(csv.get(2).split(",")[8]);
      assertTrue(fedAccuracy > 0.9, "the securely aggregated model learns: federated accuracy " + fedAccuracy + " in " + csv);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void theExampleServerConfigurationIsValid() {
    var c = io.lianbang.cli.config.ConfigLoader.loadServer(Path.of("..", "examples", "federation", "server.yaml"));
    ServerCommand.Setup s = ServerCommand.setup(c, false);
    assertEquals(10, s.federation().rounds());
    assertEquals(2, s.strategy().minAvailableClients());
    assertEquals(31, s.initial().elementCount());
  }

  @Test
  void configurationErrorsNameTheKey() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "model: logistic:30\nlistn: 0.0.0.0:7443\n");
    Cli c = run("server", "--config", bad.toString());
    assertEquals(2, c.exit, c.toString());
    assertTrue(c.err.contains("unknown key 'listn'"), c.err);

    Files.writeString(bad, "model: logistic:30\nlisten: 0.0.0.0:7443\n");
    c = run("server", "--config", bad.toString());
    assertEquals(2, c.exit, c.toString());
    assertTrue(c.err.contains("no way to authenticate"), c.err);

    Files.writeString(bad, "model: logistic:30\nlisten: 0.0.0.0:7443\nallow_anonymous: true\n");
    c = run("server", "--config", bad.toString());
    assertEquals(2, c.exit, c.toString());
    assertTrue(c.err.contains("not loopback"), c.err);

    for (String[] wrong : new String[][] {{"quorum: 2", "quorum must be in (0, 1], got 2.0"},
        {"round_timeout_seconds: 0", "round_timeout_seconds must be positive, got 0.0"},
        {"min_clients: 0", "min_clients must be >= 1, got 0"},
        {"fraction_evaluate: 1.5", "fraction_evaluate must be in [0, 1], got 1.5"},
        {"training: {learning_rate: -1}", "training.learning_rate must be > 0, got -1.0"},
        {"strategy: {name: fedsgd}", "strategy.name must be one of fedavg, "},
        {"min_clients: 4\nstrategy: {name: krum, params: {f: 1}}", "strategy.params.f must be in [0, 0] for min_clients 4"},
        {"min_clients: 5\nstrategy: {name: median}\nprivacy: {secagg: {enabled: true}}",
            "privacy.secagg cannot wrap strategy FedMedian"},
        {"privacy: {dp: {mode: server}}", "unknown key 'dp' in privacy (valid: secagg)"}}) {
      Files.writeString(bad, "model: logistic:30\nallow_anonymous: true\n" + wrong[0] + "\n");
      c = run("server", "--config", bad.toString());
      assertEquals(2, c.exit, c.toString());
      assertTrue(c.err.contains(wrong[1]), wrong[0] + ": " + c.err);
    }

    c = run("client", "--server", "localhost:1", "--data", "breast-cancer", "--model", "logistic:30", "--name", "a");
    assertEquals(2, c.exit, c.toString());
    assertTrue(c.err.contains("--ca is required"), c.err);
  }

  /** A client whose --model is not the server's is refused when it registers and exits with both layouts named. */
  @Test
  void aClientWithAnotherModelIsRefusedAtRegistration() throws Exception {
    int port = freePort();
    Path config = serverConfig("layout", port, "allow_anonymous: true", "min_clients: 1");
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
  void clientModelLimitErrorNamesTheFlag() throws Exception {
    Cli c = run("client", "--server", "localhost:1", "--insecure", "--data", "breast-cancer", "--model", "logistic:30", "--name", "a",
        "--max-model-mb", "0");
    assertEquals(2, c.exit, c.toString());
    assertTrue(c.err.contains("--max-model-mb must be in [1, 2^40], got 0"), c.err);
  }
}
