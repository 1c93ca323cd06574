package io.lianbang.cli;

import io.lianbang.cli.config.ConfigException;
import io.lianbang.cli.config.RunConfig;
import io.lianbang.cli.config.StoreConfig;
import io.lianbang.cli.dashboard.DashboardServer;
import io.lianbang.cli.dashboard.LiveRun;
import io.lianbang.cli.run.RunOutputs;
import io.lianbang.cli.run.RunSession;
import io.lianbang.cli.run.Simulator;
import io.lianbang.cli.run.Terminal;
import io.lianbang.sim.spec.DatasetSpec;
import io.lianbang.sim.spec.SimulationSpec;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What {@code demo} and {@code simulate} share: from a configuration to a validated spec, checks
 * of the data paths, the output directory, and the run (with a live dashboard if the command asks
 * for one). Configuration errors become {@code
 * lianbang: error: <message>} and exit code 2.
 */
abstract class SimulationCommand implements Callable<Integer> {
  private static final String LOOPBACK = "127.0.0.1";

  @Spec
  CommandSpec spec;

  @ParentCommand
  Main main;

  @Mixin
  RunOptions runOptions;

  private final ConfigFlags flags;

  SimulationCommand(ConfigFlags flags) {
    this.flags = flags;
  }

  /** The configuration to run, with {@code assignments} (of {@code --set} and the flags) applied. */
  abstract RunConfig config(java.util.List<String> assignments);

  @Override
  public final Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      RunConfig config = config(flags.assignments(spec.commandLine().getParseResult()));
      SimulationSpec sim = config.spec();
      checkData(sim.dataset());
      Path dir = outputDirectory(config, sim);
      boolean progress = !runOptions.noProgress && Terminal.interactive();
      StoreConfig store = runOptions.noStore ? new StoreConfig(false, config.store().url()) : config.store();
      RunSession session = new RunSession(sim, dir, out, err, progress, !runOptions.noChart, store, spec.name());
      Integer port = dashboardPort();
      if (port == null) {
        session.run(simulator());
        return 0;
      }
      LiveRun live = new LiveRun(sim.name(), spec.name(), sim.rounds());
      try (DashboardServer dashboard = startDashboard(port, live)) {
        out.println("dashboard  " + dashboard.url(LOOPBACK) + " (while the run goes; lianbang dashboard shows the store)");
        out.flush();
        boolean ok = false;
        try {
          session.listen(live).run(simulator());
          ok = true;
        } finally {
          live.ended(ok);
        }
      }
      return 0;
    } catch (ConfigException | CliException e) {
      out.flush();
      Main.error(err, e.getMessage());
      return Main.USAGE;
    }
  }

  /** What runs the simulation: the command's simulator unless a subclass picks a backend. */
  Simulator simulator() {
    return main.simulator;
  }

  /** The port of the live run's dashboard ({@code --dashboard}), or null for none. */
  Integer dashboardPort() {
    return null;
  }

  private static DashboardServer startDashboard(int port, LiveRun live) {
    if (port < 0 || port > 65535) throw new CliException("--dashboard " + port + " is not a port: 0 (any free one) to 65535");
    try {
      return DashboardServer.start(LOOPBACK, port, null, live);
    } catch (IllegalArgumentException e) {
      throw new CliException("--dashboard: " + e.getMessage());
    }
  }

  private Path outputDirectory(RunConfig config, SimulationSpec sim) {
    String dir = runOptions.output != null ? runOptions.output : config.output().dir();
    if (dir == null || dir.isBlank()) return RunOutputs.defaultDirectory(Path.of("").toAbsolutePath(), sim.name(), LocalDateTime.now());
    Path p = Path.of(dir).toAbsolutePath().normalize();
    if (Files.exists(p) && !Files.isDirectory(p)) {
      throw new CliException((runOptions.output != null ? "--output" : "output.dir") + " is not a directory: " + p);
    }
    return p;
  }

  /** Fails fast, naming the key and the path, when a data path that the dataset uses is missing. */
  static void checkData(DatasetSpec d) {
    if (d.name().equals("fashion-mnist") && d.dir() != null && !Files.isDirectory(d.dir())) {
      throw new CliException("dataset.dir " + (Files.exists(d.dir()) ? "is not a directory: " : "does not exist: ") + d.dir());
    }
    if (d.name().equals("csv") && d.path() != null && !Files.isRegularFile(d.path())) {
      throw new CliException("dataset.path " + (Files.exists(d.path()) ? "is not a file: " : "does not exist: ") + d.path());
    }
  }
}
