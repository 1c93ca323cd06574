package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.cli.run.Simulator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A deployment: {@code lianbang server} in a thread of this JVM and three {@code lianbang client}s
 * (threads of this JVM, or processes of their own) named site-0..2, each training on its third of breast-cancer with logistic:30 over an insecure
 * loopback channel.
 */
final class ThreeSites {
  private ThreeSites() {}

  /**
   * Runs the server with {@code config} (listening on {@code port}) and the three clients with
   * {@code clientFlags} added; waits up to {@code serverSeconds} for the server and 60 s more for
   * each client, and returns the server's run followed by the clients'.
   */
  static List<Cli> deploy(Path config, int port, long serverSeconds, String... clientFlags) throws Exception {
    return deploy(false, config, port, serverSeconds, clientFlags);
  }

  /** As {@link #deploy}, with each client a {@code lianbang client} process of its own. */
  static List<Cli> deployProcesses(Path config, int port, long serverSeconds, String... clientFlags) throws Exception {
    return deploy(true, config, port, serverSeconds, clientFlags);
  }

  private static List<Cli> deploy(boolean processes, Path config, int port, long serverSeconds, String... clientFlags) throws Exception {
    ExecutorService threads = Executors.newCachedThreadPool();
    try {
      Future<Cli> server = threads.submit(() -> Cli.run(Simulator.standard(), "server", "--config", config.toString()));
      List<Future<Cli>> clients = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        List<String> args = new ArrayList<>(List.of("client", "--server", "127.0.0.1:" + port, "--insecure",
            "--data", "breast-cancer:" + i + "/3", "--model", "logistic:30", "--name", "site-" + i, "--give-up-after", "30"));
        args.addAll(List.of(clientFlags));
        String[] a = args.toArray(String[]::new);
        clients.add(threads.submit(() -> processes ? Cli.process(serverSeconds + 60, a) : Cli.run(Simulator.standard(), a)));
      }
      List<Cli> all = new ArrayList<>();
      all.add(server.get(serverSeconds, TimeUnit.SECONDS));
      for (Future<Cli> f : clients) all.add(f.get(60, TimeUnit.SECONDS));
      return all;
    } finally {
      threads.shutdownNow();
    }
  }

  /** Asserts that each client of {@code runs} (all but the first) exited 0, reporting {@code done}. */
  static void assertClientsDone(List<Cli> runs, String done) {
    for (Cli c : runs.subList(1, runs.size())) {
      assertEquals(0, c.exit, c.toString());
      assertTrue(c.out.contains(done), c.toString());
    }
  }
}
