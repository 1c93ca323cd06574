package io.lianbang.cli;

import io.lianbang.cli.logging.JsonLogProvider;
import io.lianbang.cli.run.Simulator;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code lianbang} command.
 *
 * <p>Exit codes: 0 success; 1 an unexpected failure; 2 a usage or configuration error (printed as
 * {@code lianbang: error: <message>}, without a stack trace); 130 interrupted.
 */
@Command(name = "lianbang",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    subcommands = {DemoCommand.class, SimulateCommand.class, ExperimentCommand.class, ServerCommand.class, ClientCommand.class, EdgeCommand.class,
        KeyHolderCommand.class, CertsCommand.class, VerticalCommand.class, PredictCommand.class, ExportCommand.class, RunsCommand.class, DashboardCommand.class,
        CommandLine.HelpCommand.class},
    synopsisSubcommandLabel = "COMMAND",
    description = {
      "Lianbang: federated learning on the JVM. Simulates a federation of many virtual clients in one JVM, "
          + "printing a line per round, and writes the history, the effective configuration and a chart.",
      ""
    },
    commandListHeading = "%nCommands:%n",
    footerHeading = "%nExamples:%n",
    footer = {
      "  lianbang demo",
      "  lianbang demo --rounds 5 --output runs/demo-5",
      "  lianbang simulate --config examples/breast-cancer-logistic.yaml",
      "  lianbang simulate -c examples/demo.yaml --alpha 0.1 --rounds 20",
      "  lianbang simulate -c examples/demo.yaml --set strategy.quorum=0.8",
      "  lianbang experiment --config experiments/grid-breast-cancer.yaml",
      "",
      "Outputs go to runs/<name>-<yyyyMMdd-HHmmss>/ unless --output is given:",
      "history.csv, history.json, config.yaml (re-loadable), chart.png and the model",
      "(model.safetensors, model.onnx; 'lianbang predict --model FILE --data CSV|IDX').",
      "",
      "Exit codes: 0 success, 1 failure, 2 usage or configuration error,",
      "130 interrupted. Run 'lianbang help COMMAND' for a command's options."
    })
public final class Main implements Callable<Integer> {
  /** Exit code of a usage or configuration error. */
  public static final int USAGE = 2;
  /** Exit code of an unexpected failure. */
  public static final int FAILURE = 1;
  /** Exit code after an interrupt. */
  public static final int INTERRUPTED = 130;

  private static volatile boolean verbose;

  final Simulator simulator;

  @Spec
  CommandSpec spec;

  /** The command, running real simulations. */
  public Main() {
    this(Simulator.standard());
  }

  /** The command, running simulations with {@code simulator}. */
  public Main(Simulator simulator) {
    this.simulator = simulator;
  }

  @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
      description = "Log at info level (default: warnings only) and print stack traces of unexpected errors.")
  void setVerbose(boolean value) {
    if (value) {
      verbose = true;
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
    }
  }

  @Option(names = "--log-format", scope = ScopeType.INHERIT, paramLabel = "FORMAT",
      description = "How log lines look: text (the default: an ISO-8601 timestamp, the level, the logger and the message) or json "
          + "(one JSON object per line: ts, level, logger, thread, msg, exception).")
  void setLogFormat(String format) {
    switch (format) {
      case "text" -> { }
      case "json" -> JsonLogProvider.select();
      default -> throw new ParameterException(spec.commandLine(), "--log-format must be text or json, got '"
          + io.lianbang.core.text.Abbreviation.abbreviate(format) + "'");
    }
  }

  static boolean verbose() {
    return verbose;
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    err.println("lianbang: error: missing command");
    spec.commandLine().usage(err);
    return USAGE;
  }

  /** The command line with the error handling of {@link #main}. */
  public static CommandLine newCommandLine(Main main) {
    CommandLine cmd = new CommandLine(main);
    cmd.setParameterExceptionHandler(Main::parameterError);
    cmd.setExecutionExceptionHandler(Main::executionError);
    for (String name : List.of("simulate", "server")) StrategyHelp.addTo(cmd.getSubcommands().get(name).getCommandSpec().usageMessage());
    Map.of("demo", DemoCommand.FLAGS, "simulate", SimulateCommand.FLAGS, "server", ServerCommand.FLAGS, "client", ClientCommand.FLAGS,
        "keyholder", KeyHolderCommand.FLAGS, "edge", EdgeCommand.FLAGS)
        .forEach((name, flags) -> flags.install(cmd.getSubcommands().get(name).getCommandSpec()));
    for (String name : List.of("psi", "train")) {
      VerticalCommand.FLAGS.install(cmd.getSubcommands().get("vertical").getSubcommands().get(name).getCommandSpec());
    }
    // picocli's completion script generator, listed in the help: lianbang completion > lianbang.bash
    cmd.addSubcommand("completion", new AutoComplete.GenerateCompletion());
    cmd.getSubcommands().get("completion").getCommandSpec().usageMessage().hidden(false);
    return cmd;
  }

  /** Runs the command and exits with its code. */
  public static void main(String[] args) {
    if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    FatalErrors.install(System.err);
    int code;
    try {
      code = newCommandLine(new Main()).execute(args);
    } catch (Error e) { // the command's own thread: as fatal as any other
      FatalErrors.halt(System.err, Thread.currentThread(), e);
      return;
    }
    System.exit(code);
  }

  /** Prints {@code lianbang: error: <message>} to {@code err}. */
  static void error(PrintWriter err, String message) {
    err.println("lianbang: error: " + message);
    err.flush();
  }

  private static int parameterError(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    error(err, ex.getMessage());
    UnmatchedArgumentException.printSuggestions(ex, err);
    err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for usage.");
    err.flush();
    return USAGE;
  }

  private static int executionError(Exception ex, CommandLine cmd, ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    if (ex instanceof CliException) {
      error(err, ex.getMessage());
      return USAGE;
    }
    if (ex instanceof InterruptedException) {
      error(err, "interrupted");
      return INTERRUPTED;
    }
    error(err, ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage()));
    if (verbose) {
      ex.printStackTrace(err);
    } else {
      err.println("(run with --verbose for the stack trace)");
    }
    err.flush();
    return FAILURE;
  }
}
