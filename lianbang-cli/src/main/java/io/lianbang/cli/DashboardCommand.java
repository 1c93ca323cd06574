package io.lianbang.cli;

import io.lianbang.cli.dashboard.DashboardServer;
import io.lianbang.store.RunStore;
import java.io.PrintWriter;
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
 * stopped ({@link StoreDashboardData}).
 */
@Command(name = "dashboard", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
    description = {"Serve a web page of the runs in the run store: rounds (charts, live for a running run) and clients.", ""})
final class DashboardCommand implements Callable<Integer> {
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
      server = DashboardServer.start(address, port, token, new StoreDashboardData(runs));
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
}
