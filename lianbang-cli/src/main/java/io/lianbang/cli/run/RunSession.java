package io.lianbang.cli.run;

import io.lianbang.cli.CliException;
import io.lianbang.cli.VersionProvider;
import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.cli.config.StoreConfig;
import io.lianbang.cli.output.RoundValues;
import io.lianbang.core.federation.History;
import io.lianbang.core.federation.RoundListener;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.engine.data.Standardizer;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.export.ExportedModel;
import io.lianbang.sim.SimulationResult;
import io.lianbang.sim.spec.SimulationSpec;
import io.lianbang.store.RunStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One run from the command line: prepares the simulation (loads and partitions the data), creates
 * the output directory and checks that it can be written (so a bad directory fails before any
 * training), prints a header, runs every round printing a line per round (and a progress bar on a
 * terminal), writes {@code config.yaml} and the results and prints a footer. A run that fails
 * writes nothing, and removes the output directory again if it created it. Unless the store is
 * turned off, the run is recorded in the run store as it goes ({@link RunRecorder}).
 */
public final class RunSession {
  private static final String INDENT = " ".repeat(11);

  private final SimulationSpec spec;
  private final Path outputDir;
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean progress;
  private final boolean chart;
  private final StoreConfig store;
  private final String kind;
  private final List<RoundListener> listeners = new ArrayList<>();

  /**
   * @param spec what to run
   * @param outputDir where the outputs go; created if missing
   * @param out where the header, round lines and footer go
   * @param err where the progress bar goes
   * @param progress whether to draw the progress bar ({@code err} should be a terminal)
   * @param chart whether to write {@code chart.png}
   */
  public RunSession(SimulationSpec spec, Path outputDir, PrintWriter out, PrintWriter err, boolean progress, boolean chart) {
    this(spec, outputDir, out, err, progress, chart, new StoreConfig(false, RunStore.DEFAULT_URL), null);
  }

  /**
   * A session that records the run in the run store.
   *
   * @param store whether and where the run is recorded
   * @param kind what started the run, as the store shows it: {@code simulate} or {@code demo}
   */
  public RunSession(SimulationSpec spec, Path outputDir, PrintWriter out, PrintWriter err, boolean progress, boolean chart,
      StoreConfig store, String kind) {
    this.spec = spec;
    this.outputDir = outputDir;
    this.out = out;
    this.err = err;
    this.progress = progress;
    this.chart = chart;
    this.store = store;
    this.kind = kind;
  }

  /** Adds {@code listener}, told of the run's progress after the round lines and the store. */
  public RunSession listen(RoundListener listener) {
    listeners.add(listener);
    return this;
  }

  /**
   * Runs the simulation.
   *
   * @return the result
   * @throws CliException if the output directory cannot be written or the data cannot be used
   */
  public SimulationResult run(Simulator simulator) throws InterruptedException {
    out.printf(Locale.ROOT, "lianbang %s: run '%s', %d round%s, seed %d%n", VersionProvider.version(), spec.name(),
        spec.rounds(), spec.rounds() == 1 ? "" : "s", spec.seed());
    row("dataset", dataset(spec));
    out.flush();

    Simulator.Prepared prepared;
    try {
      prepared = simulator.prepare(spec);
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
    boolean existed = Files.isDirectory(outputDir);
    RunOutputs.requireWritableDirectory(outputDir, "output");
    boolean done = false;
    RunRecorder recorder = null;
    try {
      recorder = RunRecorder.start(store, RunRecorder.describe(spec.name(), kind, spec.rounds(), ConfigLoader.toYaml(spec),
          spec.threads(), outputDir), err);
      SimulationResult result = runAndWrite(prepared, recorder);
      done = true;
      return result;
    } catch (RuntimeException | InterruptedException | Error e) {
      if (recorder != null) recorder.failed(e);
      throw e;
    } finally {
      if (recorder != null) recorder.close();
      if (!done && !existed) {
        try {
          for (String name : List.of(RunOutputs.CONFIG, RunOutputs.CSV, RunOutputs.JSON, RunOutputs.CHART, RunOutputs.PRIVACY,
              ModelFiles.SAFETENSORS, ModelFiles.ONNX)) {
            Files.deleteIfExists(outputDir.resolve(name));
          }
          Files.deleteIfExists(outputDir);
        } catch (IOException e) {
          // something else is in it, or it cannot be removed: leave it
        }
      }
    }
  }

  private SimulationResult runAndWrite(Simulator.Prepared prepared, RunRecorder recorder) throws InterruptedException {
    row("partition", partition(spec));
    String summary = prepared.partitionSummary();
    if (summary != null && !summary.isBlank()) {
      for (String line : summary.strip().split("\\R")) out.println(INDENT + line);
    }
    row("model", spec.model());
    var s = spec.strategy();
    row("strategy", String.format(Locale.ROOT, "%s: %d of %d clients per round%s, quorum %s, round timeout %s s",
        s.name(), s.clientsPerRound(), spec.partition().numClients(),
        s.evaluateClientsPerRound() > 0 ? ", " + s.evaluateClientsPerRound() + " evaluate" : "",
        RunOutputs.trim(s.quorum()), RunOutputs.trim(s.roundTimeoutSeconds())));
    var t = spec.training();
    row("training", String.format(Locale.ROOT, "%d local epoch%s, %s lr %s (momentum %s, weight decay %s), batch %d",
        t.localEpochs(), t.localEpochs() == 1 ? "" : "s", t.optimizer(), RunOutputs.trim(t.learningRate()),
        RunOutputs.trim(t.momentum()), RunOutputs.trim(t.weightDecay()), t.batchSize()));
    String kernels;
    try {
      kernels = RunEnvironment.kernels();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new CliException(e.getMessage());
    }
    row("kernels", kernels + RunEnvironment.kernelsHint(kernels));
    row("threads", spec.threads() + " (" + Runtime.getRuntime().availableProcessors() + " processors)");
    row("output", outputDir.toString());
    out.println();
    out.flush();

    SimulationResult result;
    ProgressBar bar = progress ? new ProgressBar(err, spec.rounds()) : null;
    try {
      List<RoundListener> listeners = new ArrayList<>();
      listeners.add(new RoundPrinter(out, bar, spec.strategy().clientsPerRound()));
      if (recorder != null) listeners.add(recorder);
      listeners.addAll(this.listeners);
      result = prepared.run(listeners);
    } finally {
      if (bar != null) bar.close();
    }

    History history = result.run().history();
    List<Path> written;
    List<Path> models;
    try {
      RunOutputs.writeConfig(outputDir, spec);
      written = RunOutputs.writeResults(outputDir, spec, RunEnvironment.describe(result.kernels(), spec.threads()),
          history, result.seconds(), chart);
      if (spec.privacy().any()) {
        written = new ArrayList<>(written);
        written.add(RunOutputs.writePrivacyReport(outputDir, result.privacy()));
      }
      models = ModelFiles.write(outputDir, exported(result, prepared.scaler()));
    } catch (IOException e) {
      throw new CliException("cannot write results to " + outputDir + ": " + RunOutputs.describe(e));
    }
    if (recorder != null) {
      List<Path> files = new ArrayList<>(written);
      files.add(outputDir.resolve(RunOutputs.CONFIG));
      files.addAll(models);
      recorder.finished(spec.privacy().any() ? result.privacy().epsilon() : Double.NaN, files);
    }
    footer(history, result, written, models);
    if (recorder != null) row("store", "run " + recorder.id() + " in " + store.url() + " (lianbang runs show " + recorder.id() + ")");
    return result;
  }

  /** The final global model, with the scaler its inputs went through and the run it came from. */
  private ExportedModel exported(SimulationResult result, Standardizer scaler) {
    Map<String, String> run = new TreeMap<>();
    run.put("name", spec.name());
    run.put("seed", String.valueOf(spec.seed()));
    run.put("round", String.valueOf(result.run().history().last() == null ? 0 : result.run().history().last().round()));
    run.put("dataset", spec.dataset().name());
    run.put("normalize", spec.dataset().normalize());
    try {
      return new ExportedModel(ModelSpec.parse(spec.model()), result.run().parameters(), scaler, run);
    } catch (IllegalArgumentException e) {
      throw new CliException("cannot export the model " + spec.model() + ": " + e.getMessage());
    }
  }

  private void footer(History history, SimulationResult result, List<Path> written, List<Path> models) {
    out.println();
    RoundRecord last = RoundValues.lastCentralized(history);
    if (last != null) {
      row("final", String.format(Locale.ROOT, "test_acc %.2f%%  test_loss %.4f  (round %d)",
          100 * RoundValues.testAccuracy(last), RoundValues.testLoss(last), last.round()));
    }
    RoundRecord fed = RoundValues.lastFederated(history);
    if (fed != null) {
      row(last == null ? "final" : "", String.format(Locale.ROOT, "fed_acc %.2f%%  fed_loss %.4f  (round %d)",
          100 * RoundValues.fedAccuracy(fed), RoundValues.fedLoss(fed), fed.round()));
    }
    if (spec.privacy().any()) {
      String label = "privacy";
      for (String line : result.privacy().summary()) {
        row(label, line);
        label = "";
      }
    }
    row("time", String.format(Locale.ROOT, "%.1f s total, kernels %s, %d threads", result.seconds(), result.kernels(),
        spec.threads()));
    List<Path> all = new ArrayList<>(written);
    all.add(outputDir.resolve(RunOutputs.CONFIG));
    row("outputs", outputDir + "/ (" + all.stream().map(p -> p.getFileName().toString()).sorted()
        .collect(Collectors.joining(", ")) + ")");
    row("model out", models.stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(", "))
        + " (lianbang predict --model " + models.get(0) + " --data FILE)");
    out.flush();
  }

  private void row(String label, String value) {
    out.printf(Locale.ROOT, "%-10s %s%n", label, value);
  }

  static String dataset(SimulationSpec spec) {
    var d = spec.dataset();
    StringBuilder sb = new StringBuilder(d.name());
    if (d.path() != null && d.name().equals("csv")) sb.append(" ").append(d.path()).append(" (label ").append(d.labelColumn()).append(")");
    if (d.dir() != null && d.name().equals("fashion-mnist")) sb.append(" from ").append(d.dir());
    if (!d.name().equals("fashion-mnist")) sb.append(", test fraction ").append(RunOutputs.trim(d.testFraction()));
    if (!d.normalize().equals("none")) sb.append(", normalize ").append(d.normalize());
    return sb.toString();
  }

  static String partition(SimulationSpec spec) {
    var p = spec.partition();
    return switch (p.kind()) {
      case DIRICHLET, QUANTITY -> p.kind() + " (alpha " + RunOutputs.trim(p.alpha()) + ", min size " + p.minSize()
          + ") over " + p.numClients() + " clients";
      case SHARDS -> "shards (" + p.shardsPerClient() + " per client) over " + p.numClients() + " clients";
      default -> p.kind() + " over " + p.numClients() + " clients";
    };
  }
}
