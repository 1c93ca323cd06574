package io.lianbang.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.cli.output.ByteSize;
import io.lianbang.cli.output.ComparisonChart;
import io.lianbang.core.text.Abbreviation;
import io.lianbang.store.Participant;
import io.lianbang.store.RoundRow;
import io.lianbang.store.RunStore;
import io.lianbang.store.StoreException;
import io.lianbang.store.StoredRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lianbang runs}: the runs recorded in the run store. {@code list} and {@code show ID} print
 * tables (or JSON with {@code --json}), {@code compare ID ID...} puts runs side by side and draws
 * their test accuracy per round in one chart, {@code export ID} writes a run as JSON.
 */
@Command(name = "runs", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {"The runs recorded in the run store (simulate, demo, experiment and server record theirs).", ""},
    subcommands = {RunsCommand.ListRuns.class, RunsCommand.Show.class, RunsCommand.Compare.class, RunsCommand.Export.class},
    synopsisSubcommandLabel = "(list | show | compare | export)")
final class RunsCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    Main.error(err, "missing subcommand: list, show ID, compare ID ID... or export ID");
    spec.commandLine().usage(err);
    return Main.USAGE;
  }

  /** The {@code --store} option of every subcommand. */
  static final class StoreOption {
    @Option(names = "--store", paramLabel = "URL", description = "JDBC URL of the run store (default: " + RunStore.DEFAULT_URL + ").")
    String url = RunStore.DEFAULT_URL;

    /**
     * The store, or null if it is an SQLite file that does not exist (nothing has been recorded
     * there, and reading creates nothing).
     *
     * @throws CliException naming {@code --store} and the reason if it cannot be opened
     */
    RunStore openIfExists() {
      if (url.startsWith("jdbc:sqlite:")) {
        String file = url.substring("jdbc:sqlite:".length()).replaceFirst("\\?.*", "");
        if (!file.isEmpty() && !file.startsWith(":") && !file.startsWith("file:") && !Files.exists(Path.of(file))) return null;
      }
      try {
        return RunStore.open(url);
      } catch (StoreException | IllegalArgumentException e) {
        throw new CliException("--store: " + e.getMessage());
      }
    }

    /** The store, which must exist. */
    RunStore open() {
      RunStore store = openIfExists();
      if (store == null) throw new CliException("--store: no run store at " + Abbreviation.abbreviate(url) + " (nothing recorded there yet)");
      return store;
    }

    StoredRun run(RunStore store, long id) {
      return store.run(id).orElseThrow(() -> new CliException("run " + id + " is not in the run store " + Abbreviation.abbreviate(url)
          + " ('lianbang runs list' lists them)"));
    }
  }

  /** {@code runs list}. */
  @Command(name = "list", mixinStandardHelpOptions = true, description = "List the runs: id, name, kind, start, status, rounds done, "
      + "final test accuracy, bytes moved.")
  static final class ListRuns implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOption store;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      List<StoredRun> runs;
      try (RunStore s = store.openIfExists()) {
        runs = s == null ? List.of() : s.runs();
      } catch (StoreException e) {
        throw new CliException("--store: " + e.getMessage());
      }
      if (json) {
        ArrayNode all = JsonNodeFactory.instance.arrayNode();
        for (StoredRun r : runs) all.add(summary(r));
        print(out, all);
        return 0;
      }
      if (runs.isEmpty()) {
        out.println("no runs in " + store.url);
        out.flush();
        return 0;
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"id", "name", "kind", "started", "status", "rounds", "final acc", "bytes"});
      for (StoredRun r : runs) {
        rows.add(new String[] {String.valueOf(r.id()), r.name(), r.kind(), r.startedAt(), r.status().toString(),
            r.roundsDone() + "/" + r.roundsPlanned(), percent(r.finalAccuracy()), ByteSize.format(r.uplinkBytes() + r.downlinkBytes())});
      }
      table(out, rows);
      return 0;
    }
  }

  /** {@code runs show ID}. */
  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a run: its settings, environment, rounds, "
      + "failures and files.")
  static final class Show implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOption store;

    @Parameters(paramLabel = "ID", description = "The run's id (see 'lianbang runs list').")
    long id;

    @Option(names = "--json", description = "Print JSON instead of tables.")
    boolean json;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      try (RunStore s = store.open()) {
        StoredRun r = store.run(s, id);
        List<RoundRow> rounds = s.rounds(id);
        List<Participant> participants = s.participants(id);
        List<String> files = s.artifacts(id);
        if (json) {
          print(out, document(r, rounds, participants, files));
          return 0;
        }
        row(out, "run", r.id() + " '" + r.name() + "' (" + r.kind() + "), " + r.status());
        row(out, "started", r.startedAt() + (r.finishedAt() == null ? "" : ", ended " + r.finishedAt()));
        row(out, "rounds", r.roundsDone() + " of " + r.roundsPlanned() + ", final test accuracy " + percent(r.finalAccuracy())
            + ", " + ByteSize.format(r.uplinkBytes()) + " up, " + ByteSize.format(r.downlinkBytes()) + " down");
        if (!Double.isNaN(r.epsilon())) row(out, "epsilon", String.format(Locale.ROOT, "%.4g", r.epsilon()));
        row(out, "config", "sha256 " + r.configSha256());
        row(out, "version", "lianbang " + r.lianbangVersion() + (r.gitCommit() == null ? "" : " (commit " + r.gitCommit() + ")")
            + ", Java " + r.javaVersion() + ", kernels " + r.kernels());
        if (r.outputDir() != null) row(out, "output", r.outputDir());
        if (r.error() != null) row(out, "error", r.error());
        for (String f : files) row(out, "file", f);
        out.println();
        out.println("settings:");
        for (String line : r.configYaml().strip().split("\\R")) out.println("  " + line);
        out.println();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"round", "sampled", "ok", "failed", "train_loss", "test_loss", "test_acc", "fed_acc", "seconds",
            "uplink", "downlink"});
        for (RoundRow x : rounds) {
          rows.add(new String[] {String.valueOf(x.round()), String.valueOf(x.sampled()), String.valueOf(x.succeeded()),
              String.valueOf(x.failed()), number(x.trainLoss()), number(x.testLoss()), percent(x.testAccuracy()),
              percent(x.fedAccuracy()), String.format(Locale.ROOT, "%.2f", x.seconds()), ByteSize.format(x.uplinkBytes()),
              ByteSize.format(x.downlinkBytes())});
        }
        table(out, rows);
        for (Participant p : participants) {
          if (!p.succeeded()) out.println("round " + p.round() + ": " + p.clientId() + " failed: " + p.reason());
        }
        out.flush();
        return 0;
      } catch (StoreException e) {
        throw new CliException("--store: " + e.getMessage());
      }
    }
  }

  /** {@code runs compare ID ID...}. */
  @Command(name = "compare", mixinStandardHelpOptions = true, description = "Compare runs side by side and draw their test "
      + "accuracy per round in one chart.")
  static final class Compare implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOption store;

    @Parameters(paramLabel = "ID", arity = "2..*", description = "The runs' ids, at least two.")
    List<Long> ids;

    @Option(names = "--chart", paramLabel = "FILE", description = "Where the chart goes (default: runs/compare-ID-ID....png).")
    Path chart;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      List<StoredRun> runs = new ArrayList<>();
      List<List<RoundRow>> rounds = new ArrayList<>();
      try (RunStore s = store.open()) {
        for (long id : ids) {
          runs.add(store.run(s, id));
          rounds.add(s.rounds(id));
        }
      } catch (StoreException e) {
        throw new CliException("--store: " + e.getMessage());
      }
      List<String[]> rows = new ArrayList<>();
      rows.add(header("", runs, r -> "run " + r.id()));
      rows.add(header("name", runs, StoredRun::name));
      rows.add(header("kind", runs, StoredRun::kind));
      rows.add(header("status", runs, r -> r.status().toString()));
      rows.add(header("rounds", runs, r -> r.roundsDone() + "/" + r.roundsPlanned()));
      rows.add(header("final acc", runs, r -> percent(r.finalAccuracy())));
      rows.add(header("bytes", runs, r -> ByteSize.format(r.uplinkBytes() + r.downlinkBytes())));
      rows.add(header("config", runs, r -> r.configSha256().substring(0, 12)));
      int last = rounds.stream().mapToInt(l -> l.isEmpty() ? 0 : l.get(l.size() - 1).round()).max().orElse(0);
      List<ComparisonChart.Series> series = new ArrayList<>();
      for (int i = 0; i < runs.size(); i++) series.add(new ComparisonChart.Series("run " + runs.get(i).id() + " " + runs.get(i).name(),
          accuracy(rounds.get(i), last)));
      for (int round = 0; round <= last; round++) {
        String[] row = new String[runs.size() + 1];
        row[0] = "round " + round + " acc";
        for (int i = 0; i < runs.size(); i++) row[i + 1] = percent(series.get(i).y()[round]);
        rows.add(row);
      }
      table(out, rows);
      Path file = chart != null ? chart : Path.of("runs", "compare-" + String.join("-", ids.stream().map(String::valueOf).toList()) + ".png");
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) Files.createDirectories(parent);
      ComparisonChart.write(series, "Test accuracy per round", file);
      out.println("chart      " + file);
      out.flush();
      return 0;
    }

    private static String[] header(String label, List<StoredRun> runs, java.util.function.Function<StoredRun, String> value) {
      String[] row = new String[runs.size() + 1];
      row[0] = label;
      for (int i = 0; i < runs.size(); i++) row[i + 1] = value.apply(runs.get(i));
      return row;
    }

    /** Test accuracy by round, 0 to {@code last}, NaN where not measured. */
    private static double[] accuracy(List<RoundRow> rounds, int last) {
      double[] y = new double[last + 1];
      java.util.Arrays.fill(y, Double.NaN);
      for (RoundRow r : rounds) y[r.round()] = r.testAccuracy();
      return y;
    }
  }

  /** {@code runs export ID}. */
  @Command(name = "export", mixinStandardHelpOptions = true, description = "Write a run as JSON: its settings, environment, "
      + "rounds, participants and files.")
  static final class Export implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StoreOption store;

    @Parameters(paramLabel = "ID", description = "The run's id.")
    long id;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path output;

    @Override
    public Integer call() throws IOException {
      ObjectNode doc;
      try (RunStore s = store.open()) {
        doc = document(store.run(s, id), s.rounds(id), s.participants(id), s.artifacts(id));
      } catch (StoreException e) {
        throw new CliException("--store: " + e.getMessage());
      }
      if (output == null) {
        print(spec.commandLine().getOut(), doc);
      } else {
        Path parent = output.toAbsolutePath().getParent();
        if (!Files.isDirectory(parent)) throw new CliException("--output: directory does not exist: " + parent);
        Path tmp = Files.createTempFile(parent, ".lianbang-export", ".tmp");
        try {
          ConfigLoader.jsonMapper().writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), doc);
          Files.move(tmp, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      return 0;
    }
  }

  /** A run with its rounds, participants and files as one JSON document. */
  static ObjectNode document(StoredRun r, List<RoundRow> rounds, List<Participant> participants, List<String> files) {
    ObjectMapper m = ConfigLoader.jsonMapper();
    ObjectNode doc = summary(r);
    doc.set("rounds", finite(m.valueToTree(rounds)));
    doc.set("participants", m.valueToTree(participants));
    doc.set("files", m.valueToTree(files));
    return doc;
  }

  /** A run as JSON, unmeasured numbers as null. */
  static ObjectNode summary(StoredRun r) {
    ObjectNode node = (ObjectNode) finite(ConfigLoader.jsonMapper().valueToTree(r));
    try {
      if (r.environmentJson() != null) node.set("environment", ConfigLoader.jsonMapper().readTree(r.environmentJson()));
    } catch (IOException e) {
      // kept as text below
    }
    if (node.has("environment")) node.remove("environment_json");
    return node;
  }

  /** {@code node} with NaN and infinite numbers replaced by null (JSON has no NaN). */
  private static JsonNode finite(JsonNode node) {
    if (node.isObject()) {
      ObjectNode o = (ObjectNode) node;
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isNumber() && !Double.isFinite(e.getValue().doubleValue())) {
          e.setValue(JsonNodeFactory.instance.nullNode());
        } else {
          finite(e.getValue());
        }
      }
    } else if (node.isArray()) {
      for (JsonNode c : node) finite(c);
    }
    return node;
  }

  private static void print(PrintWriter out, JsonNode node) throws IOException {
    out.println(ConfigLoader.jsonMapper().writerWithDefaultPrettyPrinter().writeValueAsString(node));
    out.flush();
  }

  private static void row(PrintWriter out, String label, String value) {
    out.printf(Locale.ROOT, "%-10s %s%n", label, value);
  }

  /** {@code rows} as columns padded to their widest cell, the first row a header. */
  static void table(PrintWriter out, List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] width = new int[columns];
    for (String[] r : rows) for (int c = 0; c < columns; c++) width[c] = Math.max(width[c], r[c].length());
    for (String[] r : rows) {
      StringBuilder sb = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        if (c > 0) sb.append("  ");
        sb.append(c == columns - 1 ? r[c] : String.format(Locale.ROOT, "%-" + width[c] + "s", r[c]));
      }
      out.println(sb.toString().stripTrailing());
    }
    out.flush();
  }

  private static String percent(double fraction) {
    return Double.isNaN(fraction) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
  }

  private static String number(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
  }
}
