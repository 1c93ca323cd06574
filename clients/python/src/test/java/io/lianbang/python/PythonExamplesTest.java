package io.lianbang.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.cli.Main;
import io.lianbang.grpc.TestCertificates;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The examples in {@code examples/} join a real {@code lianbang server} under mutual TLS beside a
 * {@code lianbang client}: the NumPy logistic regression on half of breast-cancer, with federated
 * feature scaling, reaches the accuracy the Java clients reach; the PyTorch MLP on a part of
 * Fashion-MNIST trains (its loss falls from round to round).
 */
class PythonExamplesTest {
  private static final Pattern FED_ACCURACY = Pattern.compile("fed_val_acc +([0-9.]+)%");
  private static final Pattern TRAIN_LOSS = Pattern.compile("round (\\d+) train_loss ([0-9.]+)");

  @TempDir Path dir;

  /** What a {@code lianbang} command run in-process returned and printed. */
  private record Cli(int exit, String out) {}

  private static Cli lianbang(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cmd = Main.newCommandLine(new Main());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(out, true));
    int exit = cmd.execute(args);
    return new Cli(exit, out.toString());
  }

  /** The TCP sockets on {@code port} ({@code ss}), or why they are unknown. */
  private static String sockets(int port) {
    try {
      Process p = new ProcessBuilder("ss", "-tanp", "( sport = :" + port + " or dport = :" + port + " )").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      return out;
    } catch (IOException | InterruptedException e) {
      return "unknown: " + e;
    }
  }

  /** The stacks of this JVM's server I/O and accept threads. */
  private static String ioThreads() {
    StringBuilder b = new StringBuilder();
    Thread.getAllStackTraces().forEach((t, stack) -> {
      if (!t.getName().startsWith("lianbang-server")) return;
      b.append(t.getName()).append(' ').append(t.getState()).append('\n');
      for (int i = 0; i < Math.min(8, stack.length); i++) b.append("    at ").append(stack[i]).append('\n');
    });
    return b.toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A mutual-TLS server on loopback for the two named clients, with {@code lines} added. */
  private Path serverConfig(int port, String model, int rounds, List<String> clients, String... lines) throws IOException {
    List<String> all = new ArrayList<>(List.of("name: examples", "seed: 42", "rounds: " + rounds, "model: " + model,
        "listen: 127.0.0.1:" + port, "tls: {certificate: " + dir.resolve("server.pem") + ", private_key: " + dir.resolve("server-key.pem")
            + ", client_ca: " + dir.resolve("ca.pem") + "}",
        "clients: [" + String.join(", ", clients) + "]",
        "strategy: {name: fedavg, clients_per_round: 2, evaluate_clients_per_round: 2, round_timeout_seconds: 120}",
        "wait_for_clients_seconds: 120", "heartbeat_seconds: 1", "output: " + dir.resolve("run"),
        "store: {url: 'jdbc:sqlite:" + dir.resolve("lianbang.db") + "'}"));
    all.addAll(List.of(lines));
    Path config = dir.resolve("server.yaml");
    Files.writeString(config, String.join("\n", all) + "\n");
    return config;
  }

  /**
   * Runs a server of {@code rounds} rounds of {@code model} with the server lines {@code lines} and the Java client
   * "java-site" (the flags {@code javaFlags}) in-process, and {@code python example} (the script and its flags) as the
   * client {@code exampleSite} in its own process, all under mutual TLS; returns the server's, the Java client's and the
   * example's output once all have exited 0.
   */
  private List<String> federate(String model, int rounds, List<String> lines, List<String> javaFlags, String exampleSite,
      List<String> example) throws Exception {
    TestCertificates.generate(dir, List.of("java-site", exampleSite));
    int port = freePort();
    Path config = serverConfig(port, model, rounds, List.of("java-site", exampleSite), lines.toArray(String[]::new));
    ExecutorService threads = Executors.newCachedThreadPool();
    PythonClientProcess python = null;
    try {
      Future<Cli> server = threads.submit(() -> lianbang("server", "--config", config.toString()));
      List<String> java = new ArrayList<>(List.of("client", "--server", "127.0.0.1:" + port, "--give-up-after", "60",
          "--name", "java-site"));
      java.addAll(javaFlags);
      java.addAll(PythonClientProcess.tlsFlags(dir, "java-site"));
      Future<Cli> client = threads.submit(() -> lianbang(java.toArray(String[]::new)));
      List<String> args = new ArrayList<>(example);
      args.addAll(List.of("--name", exampleSite));
      args.addAll(PythonClientProcess.tlsFlags(dir, exampleSite));
      args.addAll(List.of("--server", "127.0.0.1:" + port, "--give-up-after", "60"));
      python = PythonClientProcess.script(args);
      Cli s = server.get(600, TimeUnit.SECONDS);
      Cli c;
      try {
        c = client.get(60, TimeUnit.SECONDS);
      } catch (TimeoutException e) { // say what the others saw: the Java client's output is not known until it ends
        throw new AssertionError("the Java client did not end within 60 s of the server (exit " + s.exit() + "); server:\n" + s.out()
            + "\nexample " + exampleSite + ":\n" + python.output() + "\nsockets of port " + port + ":\n" + sockets(port)
            + "\nserver I/O threads:\n" + ioThreads(), e);
      }
      int exit = python.waitFor(Duration.ofSeconds(60));
      assertEquals(0, s.exit(), s.out());
      assertEquals(0, c.exit(), c.out());
      assertEquals(0, exit, python.output());
      return List.of(s.out(), c.out(), python.output());
    } finally {
      if (python != null) python.close();
      threads.shutdownNow();
    }
  }

  @Test
  void numpyExampleFederatesBreastCancerWithAJavaClient() throws Exception {
    List<String> out = federate("logistic:30", 3, List.of("normalize: federated",
            "training: {local_epochs: 1, batch_size: 16, optimizer: sgd, learning_rate: 0.1, momentum: 0.0, weight_decay: 0.0}"),
        List.of("--model", "logistic:30", "--data", "breast-cancer:0/2"),
        "numpy-site", List.of("examples/numpy_breast_cancer.py", "--data", "breast-cancer:1/2"));

    String server = out.get(0);
    assertTrue(server.contains("statistics of 2 clients") && server.contains("round  3/3"), server);
    Matcher m = FED_ACCURACY.matcher(server);
    double last = Double.NaN;
    while (m.find()) last = Double.parseDouble(m.group(1)) / 100;
    assertTrue(last > 0.9, "federated accuracy after 3 rounds " + last + ":\n" + server);
    assertTrue(out.get(2).contains("numpy-site: 284 local examples, 227 for training and 57 held out for evaluation"), out.get(2));
    assertTrue(out.get(2).contains("features standardised with the federation's statistics (federated)"), out.get(2));
    assertTrue(out.get(2).contains("done after 3 training and 3 evaluation tasks, 2 statistics tasks"), out.get(2));
  }

  @Test
  void pytorchExampleTrainsOnItsPartOfFashionMnist() throws Exception {
    Python.Result torch = Python.run(List.of("-c", "import torch"), Map.of(), 120);
    assertEquals(0, torch.exitCode(), "the PyTorch example needs torch: apt-get install python3-torch\n" + torch.output());
    List<String> out = federate("mlp:784-16-10", 2, List.of("normalize: none",
            "training: {local_epochs: 1, batch_size: 32, optimizer: sgd, learning_rate: 0.1, momentum: 0.5, weight_decay: 0.0001}"),
        List.of("--model", "mlp:784-16-10", "--data", "fashion-mnist:1/50"),
        "torch-site", List.of("examples/pytorch_fashion_mnist.py", "--model", "mlp:784-16-10", "--data", "fashion-mnist:0/50",
            "--threads", "1"));

    String torchOut = out.get(2);
    assertTrue(torchOut.contains("torch-site: 1200 local examples, 960 for training and 240 held out for evaluation"), torchOut);
    assertTrue(torchOut.contains("done after 2 training and 2 evaluation tasks ("), torchOut);
    Matcher m = TRAIN_LOSS.matcher(torchOut);
    List<Double> losses = new ArrayList<>();
    while (m.find()) losses.add(Double.parseDouble(m.group(2)));
    assertEquals(2, losses.size(), torchOut);
    assertTrue(losses.get(1) < losses.get(0), "the training loss falls: " + losses + "\n" + torchOut);
    assertTrue(out.get(0).contains("round  2/2"), out.get(0));
  }
}
