package io.lianbang.cli.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianbang.cli.CliException;
import io.lianbang.cli.VersionProvider;
import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.cli.config.ServerSpec;
import io.lianbang.cli.output.HistoryChart;
import io.lianbang.cli.output.HistoryCsv;
import io.lianbang.cli.output.HistoryJson;
import io.lianbang.core.federation.History;
import io.lianbang.sim.spec.SimulationSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The files a run writes into its output directory. */
public final class RunOutputs {
  public static final String CSV = "history.csv";
  public static final String JSON = "history.json";
  public static final String CONFIG = "config.yaml";
  public static final String CHART = "chart.png";
  public static final String PRIVACY = "privacy.json";

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

  private RunOutputs() {}

  /**
   * {@code runs/<name>-<yyyyMMdd-HHmmss>} under {@code base}, with {@code -2}, {@code -3}, ...
   * appended if that directory already exists.
   */
  public static Path defaultDirectory(Path base, String name, LocalDateTime now) {
    Path dir = base.resolve("runs").resolve(name + "-" + STAMP.format(now));
    for (int i = 2; Files.exists(dir); i++) dir = base.resolve("runs").resolve(name + "-" + STAMP.format(now) + "-" + i);
    return dir;
  }

  /**
   * Creates {@code dir} if needed and checks that a file can be written into it, so that a run
   * fails at the start rather than after its rounds.
   *
   * @param key the setting that names the directory, for the message
   * @throws CliException naming {@code key}, the directory and the reason if it cannot be written
   */
  public static void requireWritableDirectory(Path dir, String key) {
    try {
      Files.createDirectories(dir);
      Files.delete(Files.createTempFile(dir, ".lianbang-write-check", ".tmp"));
    } catch (IOException e) {
      throw new CliException(key + ": cannot write to directory " + dir + ": " + describe(e));
    }
  }

  /** A short reason for a failed file operation, for messages. */
  static String describe(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) return "permission denied (" + e.getMessage() + ")";
    if (e instanceof java.nio.file.FileAlreadyExistsException) return "a file is in the way (" + e.getMessage() + ")";
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) return f.getReason() + " (" + f.getFile() + ")";
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /** Writes {@code config.yaml}: the effective configuration, loadable by {@code simulate --config}. */
  public static Path writeConfig(Path dir, SimulationSpec spec) throws IOException {
    String header = "# Effective configuration of run '" + spec.name() + "', written by lianbang " + VersionProvider.version()
        + ".\n# Run it again with: lianbang simulate --config " + dir.resolve(CONFIG) + "\n";
    Path file = dir.resolve(CONFIG);
    Files.writeString(file, header + ConfigLoader.toYaml(spec));
    return file;
  }

  /**
   * Writes {@code history.csv}, {@code history.json} and (if {@code chart}) {@code chart.png}.
   *
   * @return the files written
   */
  public static List<Path> writeResults(Path dir, SimulationSpec spec, Map<String, ?> environment, History history,
      double seconds, boolean chart) throws IOException {
    List<Path> written = writeHistory(dir, ConfigLoader.toJsonTree(spec), environment, history, seconds);
    if (chart) {
      Path png = dir.resolve(CHART);
      HistoryChart.write(history, chartTitle(spec), chartSubtitle(spec), png);
      written.add(png);
    }
    return written;
  }

  /**
   * Writes {@code history.csv} and {@code history.json} of a run that {@code lianbang server}
   * served; the configuration in {@code history.json} leaves out every
   * {@link io.lianbang.cli.config.Secret} key (the clients' bearer tokens).
   *
   * @return the files written
   */
  public static List<Path> writeServerResults(Path dir, ServerSpec config, Map<String, ?> environment, History history,
      double seconds) throws IOException {
    ObjectNode tree = ConfigLoader.jsonMapper().valueToTree(config);
    tree.remove("output");
    tree.remove("store");
    Files.createDirectories(dir);
    return writeHistory(dir, tree, environment, history, seconds);
  }

  private static List<Path> writeHistory(Path dir, ObjectNode config, Map<String, ?> environment, History history,
      double seconds) throws IOException {
    Path csv = dir.resolve(CSV);
    HistoryCsv.write(history, csv);
    ObjectMapper mapper = ConfigLoader.jsonMapper();
    Path json = dir.resolve(JSON);
    HistoryJson.write(mapper, HistoryJson.document(mapper, config, environment, history, seconds), json);
    return new ArrayList<>(List.of(csv, json));
  }

  /** Writes {@code privacy.json}: what left each client in which form and bytes, ε, the parameters. */
  public static Path writePrivacyReport(Path dir, io.lianbang.privacy.report.PrivacyReport report) throws IOException {
    ObjectMapper mapper = ConfigLoader.jsonMapper();
    ObjectNode doc = mapper.createObjectNode();
    doc.put("epsilon", report.epsilon());
    doc.put("epsilon_classic", report.epsilonClassic());
    doc.put("delta", report.delta());
    doc.set("parameters", mapper.valueToTree(report.parameters()));
    doc.set("clients", mapper.valueToTree(report.clients()));
    Path file = dir.resolve(PRIVACY);
    mapper.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), doc);
    return file;
  }

  static String chartTitle(SimulationSpec spec) {
    return spec.name() + ": " + spec.dataset().name() + ", " + spec.model();
  }

  static String chartSubtitle(SimulationSpec spec) {
    var p = spec.partition();
    String partition = switch (p.kind()) {
      case DIRICHLET, QUANTITY -> p.kind() + "(alpha " + trim(p.alpha()) + ")";
      case SHARDS -> "shards(" + p.shardsPerClient() + " per client)";
      default -> p.kind().toString();
    };
    var t = spec.training();
    return String.format(Locale.ROOT, "%s, %d of %d clients per round, %s, %d local epoch%s, %s lr %s%s%s, batch %d, seed %d",
        spec.strategy().name(), spec.strategy().clientsPerRound(), p.numClients(), partition,
        t.localEpochs(), t.localEpochs() == 1 ? "" : "s", t.optimizer(), trim(t.learningRate()),
        t.momentum() > 0 ? " momentum " + trim(t.momentum()) : "", t.weightDecay() > 0 ? " wd " + trim(t.weightDecay()) : "",
        t.batchSize(), spec.seed());
  }

  static String trim(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
  }
}
