package io.lianbang.cli;

import io.lianbang.cli.config.ConfigException;
import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.cli.config.RunConfig;
import io.lianbang.cli.config.StoreConfig;
import io.lianbang.cli.experiment.ExperimentGrid;
import io.lianbang.cli.experiment.ExperimentResults;
import io.lianbang.cli.output.ComparisonChart;
import io.lianbang.cli.output.HistoryCsv;
import io.lianbang.cli.run.RunRecorder;
import io.lianbang.cli.run.Simulator;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.sim.SimulationResult;
import io.lianbang.sim.spec.SimulationSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code lianbang experiment --config grid.yaml}: runs every strategy × partition × seed of an
 * {@link ExperimentGrid} and writes {@code results.md}, {@code results.csv}, {@code accuracy.png}
 * (mean test accuracy per round of each strategy and partition) and each run's
 * {@code <strategy>/<partition>/seed-<s>/history.csv}.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true,
    description = {"Run a grid of strategies x partitions x seeds and summarise it in one table and chart.",
      "Writes results.md, results.csv (final accuracy, rounds to target accuracy) and accuracy.png."})
final class ExperimentCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @ParentCommand
  Main main;

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The experiment grid (YAML).")
  Path config;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Output directory (default: runs/experiment).")
  Path output = Path.of("runs", "experiment");

  @Option(names = "--store", paramLabel = "URL", description = "JDBC URL of the run store each run is recorded in "
      + "(default: the base configuration's store.url).")
  String store;

  @Option(names = "--no-store", description = "Do not record the runs in the run store.")
  boolean noStore;

  @Override
  public Integer call() throws InterruptedException, IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ExperimentGrid grid;
    List<SimulationSpec> specs = new ArrayList<>();
    List<String[]> labels = new ArrayList<>();
    StoreConfig storeConfig = null;
    try {
      grid = ExperimentGrid.load(config);
      for (ExperimentGrid.Cell s : grid.strategies()) {
        for (ExperimentGrid.Cell p : grid.partitions()) {
          for (long seed : grid.seeds()) {
            List<String> a = new ArrayList<>(grid.set());
            a.addAll(s.assignments());
            a.addAll(p.assignments());
            a.add("seed=" + seed);
            try {
              RunConfig loaded = ConfigLoader.load(grid.base(), a);
              specs.add(loaded.spec());
              if (storeConfig == null) storeConfig = loaded.store();
            } catch (ConfigException e) {
              throw new CliException(s.label() + " / " + p.label() + ": " + e.getMessage());
            }
            labels.add(new String[] {s.label(), p.label(), String.valueOf(seed)});
          }
        }
      }
      if (storeConfig != null) {
        storeConfig = new StoreConfig(storeConfig.enabled() && !noStore, store == null ? storeConfig.url() : store);
      }
    } catch (ConfigException | CliException e) {
      Main.error(err, e.getMessage());
      return Main.USAGE;
    } catch (IllegalArgumentException e) {
      Main.error(err, (store != null ? "--store: " : "") + e.getMessage());
      return Main.USAGE;
    }
    Files.createDirectories(output);
    ExperimentResults results = new ExperimentResults(grid.targetAccuracy());
    for (int i = 0; i < specs.size(); i++) {
      String[] l = labels.get(i);
      out.printf(Locale.ROOT, "run %d/%d  %s  %s  seed %s%n", i + 1, specs.size(), l[0], l[1], l[2]);
      out.flush();
      SimulationResult r;
      Path dir = output.resolve(safe(l[0])).resolve(safe(l[1])).resolve("seed-" + l[2]);
      SimulationSpec sim = specs.get(i);
      RunRecorder recorder = null;
      try {
        Simulator.Prepared prepared = main.simulator.prepare(sim);
        recorder = RunRecorder.start(storeConfig, RunRecorder.describe(sim.name() + " " + l[0] + "/" + l[1] + "/seed-" + l[2],
            "experiment", sim.rounds(), ConfigLoader.toYaml(sim), sim.threads(), dir), err);
        r = prepared.run(recorder == null ? List.of() : List.of(recorder));
        Files.createDirectories(dir);
        HistoryCsv.write(r.run().history(), dir.resolve("history.csv"));
        if (recorder != null) recorder.finished(sim.privacy().any() ? r.privacy().epsilon() : Double.NaN, List.of(dir.resolve("history.csv")));
      } catch (IllegalArgumentException | CliException e) {
        if (recorder != null) recorder.failed(e);
        Main.error(err, l[0] + " / " + l[1] + ": " + e.getMessage());
        return Main.USAGE;
      } catch (IOException | RuntimeException | InterruptedException e) {
        if (recorder != null) recorder.failed(e);
        throw e;
      } finally {
        if (recorder != null) recorder.close();
      }
      ExperimentResults.Run run = new ExperimentResults.Run(l[0], l[1], Long.parseLong(l[2]), r.run().history());
      results.add(run);
      out.printf(Locale.ROOT, "    final test accuracy %.2f%%%n", 100 * run.finalAccuracy());
    }
    Files.writeString(output.resolve("results.md"), results.markdown());
    Files.writeString(output.resolve("results.csv"), results.csv());
    List<ComparisonChart.Series> series = new ArrayList<>();
    results.groups().forEach((name, runs) -> series.add(new ComparisonChart.Series(name, meanAccuracy(runs))));
    ComparisonChart.write(series, "Test accuracy per round (mean over seeds)", output.resolve("accuracy.png"));
    out.print(results.markdown());
    out.println("outputs    " + output.toAbsolutePath() + "/ (results.md, results.csv, accuracy.png)");
    out.flush();
    return 0;
  }

  private static double[] meanAccuracy(List<ExperimentResults.Run> runs) {
    int rounds = runs.stream().mapToInt(r -> r.history().last().round()).max().orElse(0);
    double[] sum = new double[rounds + 1];
    int[] count = new int[rounds + 1];
    for (ExperimentResults.Run r : runs) {
      for (RoundRecord rec : r.history().rounds()) {
        var a = rec.centralized().flatMap(e -> e.metrics().get("accuracy"));
        if (a.isPresent()) {
          sum[rec.round()] += a.get();
          count[rec.round()]++;
        }
      }
    }
    double[] out = new double[rounds + 1];
    for (int i = 0; i <= rounds; i++) out[i] = count[i] == 0 ? Double.NaN : sum[i] / count[i];
    return out;
  }

  private static String safe(String label) {
    return label.replaceAll("[^A-Za-z0-9._-]+", "_");
  }
}
