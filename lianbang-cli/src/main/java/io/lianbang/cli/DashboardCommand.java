package io.lianbang.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianbang.cli.dashboard.ClientTable;
import io.lianbang.cli.dashboard.DashboardData;
import io.lianbang.cli.dashboard.DashboardJson;
import io.lianbang.cli.dashboard.DashboardServer;
import io.lianbang.store.Participant;
import io.lianbang.store.RoundRow;
import io.lianbang.store.RunStatus;
import io.lianbang.store.RunStore;
import io.lianbang.store.StoredRun;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lianbang dashboard}: serves the web dashboard of the run store until the process is
 * stopped. A run that is still going is followed live: its new rounds are read from the store
 * every {@value #POLL_MILLIS} ms.
 */
@Command(name = "dashboard", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
    description = {"Serve a web page of the runs in the run store: rounds (charts, live for a running run) and clients.", ""})
final class DashboardCommand implements Callable<Integer> {
  /** How often a live run's rounds are read from the store, in milliseconds. */
  static final long POLL_MILLIS = 500;

  @Spec
  CommandSpec spec;

  @Mixin
  RunsCommand.StoreOption store;

  @Option(names = "--address", paramLabel = "A", description = "Address to listen on (default: 127.0.0.1; another needs --token).")
  String address = "127.0.0.1";

  @Option(names = "--port", paramLabel = "P", description = "Port to listen on (default: 8090; 0 picks a free one).")
  int port = 8090;

  @Option(names = "--token", paramLabel = "T",
      description = "Token every request must carry (Authorization: Bearer T, or ?token=T); at least 16 characters.")
  String token;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    if (port < 0 || port > 65535) throw new CliException("--port " + port + " is not a port: 0 (any free one) to 65535");
    if (token != null && token.length() < DashboardServer.MIN_TOKEN) {
      throw new CliException("--token has " + token.length() + " characters; at least " + DashboardServer.MIN_TOKEN);
    }
    RunStore runs = store.openIfExists();
    DashboardServer server;
    try {
      server = DashboardServer.start(address, port, token, new StoreData(runs));
    } catch (IllegalArgumentException e) {
      if (runs != null) runs.close();
      String m = e.getMessage();
      throw new CliException((m.startsWith("port") ? "--port: " : "--address: ") + m + (m.contains("needs a token") ? " (--token)" : ""));
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      server.close();
      if (runs != null) runs.close();
      stopped.countDown();
    }, "lianbang-dashboard-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("dashboard  " + server.url(address) + (token == null ? "" : "?token=…") + " (runs of " + store.url
        + "; Ctrl-C stops)");
    out.flush();
    while (!stopped.await(1, TimeUnit.MINUTES)) {
      // serves until the process is stopped
    }
    return 0;
  }

  /** The runs of a store (none if it does not exist yet). */
  private static final class StoreData implements DashboardData {
    private final RunStore store;

    StoreData(RunStore store) {
      this.store = store;
    }

    @Override
    public ArrayNode runs() {
      ArrayNode all = JsonNodeFactory.instance.arrayNode();
      if (store == null) return all;
      for (StoredRun r : store.runs()) {
        ObjectNode n = RunsCommand.summary(r);
        n.remove(List.of("config_yaml", "environment", "environment_json"));
        all.add(n);
      }
      return all;
    }

    @Override
    public Optional<ObjectNode> run(long id) {
      if (store == null) return Optional.empty();
      return store.run(id).map(r -> {
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.set("run", RunsCommand.summary(r));
        ArrayNode rounds = doc.putArray("rounds");
        for (RoundRow row : store.rounds(id)) rounds.add(DashboardJson.round(row, Double.NaN));
        ClientTable clients = new ClientTable();
        for (Participant p : store.participants(id)) clients.add(p);
        doc.set("clients", clients.json());
        return doc;
      });
    }

    @Override
    public List<ObjectNode> roundsAfter(long id, int after, Duration wait) throws InterruptedException {
      long end = System.nanoTime() + wait.toNanos();
      while (store != null) {
        List<ObjectNode> next = new ArrayList<>();
        for (RoundRow row : store.rounds(id)) if (row.round() > after) next.add(DashboardJson.round(row, Double.NaN));
        long left = end - System.nanoTime();
        if (!next.isEmpty() || left <= 0) return next;
        Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, left / 1_000_000)));
      }
      return List.of();
    }

    @Override
    public boolean over(long id) {
      return store == null || store.run(id).map(r -> r.status() != RunStatus.RUNNING).orElse(true);
    }
  }
}
