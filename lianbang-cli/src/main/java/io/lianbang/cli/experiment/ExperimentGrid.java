package io.lianbang.cli.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.lianbang.cli.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An experiment grid, read from YAML:
 * <pre>
 * base: ../examples/demo.yaml        # a run configuration; relative to this file
 * set: [rounds=20]                   # optional key.path=value overrides of the base
 * target_accuracy: 0.8               # for rounds-to-target
 * seeds: [1, 2, 3]
 * strategies:                        # each: name and optional params
 *   - {name: fedavg}
 *   - {name: fedprox, params: {mu: 0.01}}
 * partitions:                        # each: kind and optional alpha, shards_per_client
 *   - {kind: iid}
 *   - {kind: dirichlet, alpha: 0.5}
 * </pre>
 * Unknown keys fail with a message naming the key and where it is.
 *
 * @param base the base run configuration file
 * @param set overrides applied to every run
 * @param targetAccuracy the accuracy whose first reaching is reported, in (0, 1]
 * @param seeds run seeds
 * @param strategies one cell per strategy: a label and its {@code --set} assignments
 * @param partitions one cell per partition: a label and its assignments
 */
public record ExperimentGrid(Path base, List<String> set, double targetAccuracy, List<Long> seeds,
                             List<Cell> strategies, List<Cell> partitions) {
  /** One value of a grid axis: a label for tables and the configuration assignments it makes. */
  public record Cell(String label, List<String> assignments) {}

  private static final YAMLMapper YAML = new YAMLMapper();

  /**
   * Reads a grid file.
   *
   * @throws ConfigException naming the key and value of any problem
   */
  public static ExperimentGrid load(Path file) {
    JsonNode root;
    try {
      root = YAML.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new ConfigException("cannot read experiment grid " + file + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) throw new ConfigException("experiment grid " + file + " must hold a mapping of keys");
    keys(root, "experiment grid", Set.of("base", "set", "target_accuracy", "seeds", "strategies", "partitions"));
    if (!root.path("base").isTextual()) throw new ConfigException("base must name a run configuration file");
    Path dir = file.toAbsolutePath().getParent();
    Path base = dir.resolve(root.get("base").asText()).normalize();
    List<String> set = new ArrayList<>();
    for (JsonNode n : root.path("set")) set.add(n.asText());
    double target = root.path("target_accuracy").asDouble(0.8);
    if (!(target > 0 && target <= 1)) throw new ConfigException("target_accuracy must be in (0, 1], got " + root.path("target_accuracy"));
    List<Long> seeds = new ArrayList<>();
    for (JsonNode n : root.path("seeds")) {
      if (!n.canConvertToLong() || !n.isIntegralNumber()) throw new ConfigException("seeds must be integers, got " + n);
      seeds.add(n.asLong());
    }
    if (seeds.isEmpty()) seeds.add(42L);
    List<Cell> strategies = new ArrayList<>();
    int i = 0;
    for (JsonNode s : root.path("strategies")) {
      String where = "strategies[" + i++ + "]";
      keys(s, where, Set.of("name", "params", "label"));
      if (!s.path("name").isTextual()) throw new ConfigException(where + ".name must be a strategy name");
      List<String> a = new ArrayList<>(List.of("strategy.name=" + s.get("name").asText()));
      StringBuilder label = new StringBuilder(s.get("name").asText());
      Iterator<Map.Entry<String, JsonNode>> ps = s.path("params").fields();
      while (ps.hasNext()) {
        Map.Entry<String, JsonNode> p = ps.next();
        a.add("strategy.params." + p.getKey() + "=" + p.getValue().asText());
        label.append(' ').append(p.getKey()).append('=').append(p.getValue().asText());
      }
      strategies.add(new Cell(s.path("label").asText(label.toString()), a));
    }
    if (strategies.isEmpty()) strategies.add(new Cell("base strategy", List.of()));
    List<Cell> partitions = new ArrayList<>();
    i = 0;
    for (JsonNode p : root.path("partitions")) {
      String where = "partitions[" + i++ + "]";
      keys(p, where, Set.of("kind", "alpha", "shards_per_client"));
      if (!p.path("kind").isTextual()) throw new ConfigException(where + ".kind must be a partition kind");
      List<String> a = new ArrayList<>(List.of("partition.kind=" + p.get("kind").asText()));
      String label = p.get("kind").asText();
      if (p.has("alpha")) {
        a.add("partition.alpha=" + p.get("alpha").asText());
        label += "(" + p.get("alpha").asText() + ")";
      }
      if (p.has("shards_per_client")) {
        a.add("partition.shards_per_client=" + p.get("shards_per_client").asText());
        label += "(" + p.get("shards_per_client").asText() + " shards)";
      }
      partitions.add(new Cell(label, a));
    }
    if (partitions.isEmpty()) partitions.add(new Cell("base partition", List.of()));
    return new ExperimentGrid(base, List.copyOf(set), target, List.copyOf(seeds), List.copyOf(strategies), List.copyOf(partitions));
  }

  private static void keys(JsonNode node, String where, Set<String> valid) {
    if (!node.isObject()) throw new ConfigException(where + " must be a section of keys, got " + node);
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String k = names.next();
      if (!valid.contains(k)) {
        throw new ConfigException("unknown key '" + k + "' in " + where + " (valid: " + String.join(", ", new java.util.TreeSet<>(valid)) + ")");
      }
    }
  }
}
