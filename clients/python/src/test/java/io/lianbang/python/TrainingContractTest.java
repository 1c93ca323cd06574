package io.lianbang.python;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.cli.run.WithTaskConfig;
import io.lianbang.core.strategy.ClientInstruction;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.strategy.registry.StrategyRegistry;
import io.lianbang.core.task.Config;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.engine.client.EngineClient;
import io.lianbang.engine.client.FederatedStandardization;
import io.lianbang.engine.data.Standardizer;
import io.lianbang.engine.nn.Model;
import io.lianbang.engine.nn.Models;
import io.lianbang.engine.nn.OptimizerType;
import io.lianbang.grpc.proto.v1.Value;
import io.lianbang.grpc.wire.Values;
import io.lianbang.privacy.paillier.PaillierAggregation;
import io.lianbang.privacy.secagg.SecureAggregation;
import io.lianbang.sim.DpWiring;
import io.lianbang.sim.StrategyFactory;
import io.lianbang.sim.spec.DpMode;
import io.lianbang.sim.spec.PrivacySpec;
import io.lianbang.sim.spec.StrategySpec;
import io.lianbang.sim.spec.TrainingSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Checks the "training contract" of {@code docs/protocol.md} against the code: the table of task
 * configuration keys against the keys the server side really puts into fit and evaluate tasks
 * (every strategy of the registry, feature scaling, differential privacy, secure aggregation), and
 * the table of model layouts against the engine's models.
 */
class TrainingContractTest {
  static final Path PROTOCOL = Python.HOME.resolve("../../docs/protocol.md").normalize();
  private static final Pattern TENSOR = Pattern.compile("`([0-9]+\\.[a-z]+) \\[([0-9, ]*)\\]`");

  /** A documented configuration key: the tasks that carry it and its protobuf Value kind. */
  record DocumentedKey(String key, List<String> tasks, Value.KindCase kind) {}

  /** The keys a server sends, with the Value kind of each and the task kinds that carry it. */
  static final class SentKeys {
    final Map<String, Value.KindCase> kinds = new TreeMap<>();
    final Map<String, TreeSet<String>> tasks = new TreeMap<>();

    void add(String task, Config config) {
      Values.toProto(config).forEach((k, v) -> {
        Value.KindCase previous = kinds.put(k, v.getKindCase());
        if (previous != null) assertEquals(previous, v.getKindCase(), "config " + k + " is sent with two kinds");
        tasks.computeIfAbsent(k, x -> new TreeSet<>()).add(task);
      });
    }

    void addAll(Strategy strategy) {
      Parameters global = Models.create("logistic:3", 1).parameters();
      List<String> clients = new ArrayList<>();
      for (int i = 0; i < 12; i++) clients.add(String.format(Locale.ROOT, "c%02d", i));
      for (int round = 1; round <= 2; round++) {
        List<ClientInstruction> fit = strategy.configureFit(round, global, clients, new SplittableRandom(round));
        assertFalse(fit.isEmpty(), strategy + " sampled no client to train");
        for (ClientInstruction i : fit) add("fit", i.config());
        for (ClientInstruction i : strategy.configureEvaluate(round, global, clients, new SplittableRandom(round))) {
          add("evaluate", i.config());
        }
      }
    }
  }

  @Test
  void everyKeyTheServerSendsIsDocumentedAndEveryDocumentedKeyIsSent() throws IOException {
    Map<String, DocumentedKey> documented = new TreeMap<>();
    for (List<String> row : table(PROTOCOL, "### Task configuration keys")) {
      DocumentedKey k = new DocumentedKey(code(row.get(0)), List.of(row.get(1).split(",\\s*")),
          Value.KindCase.valueOf(code(row.get(2)).toUpperCase(Locale.ROOT)));
      assertTrue(documented.put(k.key(), k) == null, "key " + k.key() + " is documented twice");
    }
    SentKeys sent = serverKeys();
    assertEquals(documented.keySet(), sent.kinds.keySet(), "documented keys (left) and keys the server sends (right)");
    for (DocumentedKey k : documented.values()) {
      assertEquals(k.kind(), sent.kinds.get(k.key()), "kind of " + k.key());
      assertEquals(new TreeSet<>(k.tasks()), sent.tasks.get(k.key()), "tasks that carry " + k.key());
    }
  }

  @Test
  void theYamlTrainingKeysMapToTheWireKeysTheClientReads() throws IOException {
    Map<String, String> mapping = new LinkedHashMap<>();
    for (List<String> row : table(PROTOCOL, "The server's YAML and the wire use different names")) {
      mapping.put(code(row.get(0)), row.get(1).startsWith("`") ? code(row.get(1)) : null);
    }
    // a training section whose values are all distinct, so each wire value identifies its YAML key
    TrainingSpec t = new TrainingSpec(3, 17, OptimizerType.ADAM, 0.125, 0.5, 0.0625);
    Config fit = EngineClient.fitConfig(t.localEpochs(), t.batchSize(), t.optimizer(), t.learningRate(), t.momentum(), t.weightDecay());
    Map<String, Object> byYaml = Map.of("local_epochs", 3L, "batch_size", 17L, "optimizer", "adam", "learning_rate", 0.125,
        "momentum", 0.5, "weight_decay", 0.0625);
    TreeMap<String, Object> expected = new TreeMap<>();
    mapping.forEach((yaml, wire) -> {
      if (wire != null) expected.put(wire, byYaml.get(yaml));
    });
    assertEquals(expected, fit.asMap());
    assertEquals(new TreeSet<>(List.of("local_epochs", "batch_size", "optimizer", "learning_rate", "momentum", "weight_decay",
        "local_epochs_max")), new TreeSet<>(mapping.keySet()));
    assertEquals(EngineClient.LEARNING_RATE, mapping.get("learning_rate"));
  }

  @Test
  void everyDocumentedModelHasTheDocumentedTensors() throws IOException {
    List<List<String>> rows = table(PROTOCOL, "### Model layouts");
    assertTrue(rows.size() >= 5, "the layout table lists every model kind");
    TreeSet<String> kinds = new TreeSet<>();
    for (List<String> row : rows) {
      String spec = code(row.get(0));
      kinds.add(spec.split(":")[0]);
      List<String> names = new ArrayList<>();
      List<String> shapes = new ArrayList<>();
      Matcher m = TENSOR.matcher(row.get(1));
      while (m.find()) {
        names.add(m.group(1));
        shapes.add("[" + m.group(2) + "]");
      }
      Model model = Models.create(spec, 7);
      List<String> actual = new ArrayList<>();
      for (int[] shape : model.parameters().shapes()) actual.add(Arrays.toString(shape));
      assertEquals(shapes, actual, "tensor shapes of " + spec);
      assertEquals(names, model.parameterNames(), "tensor names of " + spec);
    }
    assertEquals(new TreeSet<>(List.of("lenet", "linear", "logistic", "mlp", "softmax")), kinds, "model kinds with an example");
  }

  /** The configurations of every fit and evaluate task the server side builds, as {@code lianbang server} composes them. */
  static SentKeys serverKeys() {
    SentKeys sent = new SentKeys();
    TrainingSpec training = new TrainingSpec(2, 16, OptimizerType.SGD, 0.05, 0.5, 0.001);
    Config fit = EngineClient.fitConfig(training.localEpochs(), training.batchSize(), training.optimizer(), training.learningRate(),
        training.momentum(), training.weightDecay());
    for (String name : StrategyRegistry.names()) sent.addAll(strategy(name, training, fit));
    long seed = 42;
    for (DpMode mode : List.of(DpMode.CLIENT, DpMode.LOCAL)) {
      PrivacySpec.Dp dp = new PrivacySpec.Dp(mode, 1.1, 2.0, false, 0.5, 1e-5, 0, true);
      Strategy s = DpWiring.strategy(strategy("fedavg", training, fit), dp, seed);
      sent.addAll(new WithTaskConfig(s, DpWiring.taskConfig(dp, seed)));
    }
    Standardizer scaler = Standardizer.of(new float[] {1, 2, 3}, new float[] {1, 0.5f, 2});
    for (FederatedStandardization.Mode mode : FederatedStandardization.Mode.values()) {
      sent.addAll(new WithTaskConfig(strategy("fedavg", training, fit), Config.empty().with(FederatedStandardization.MODE, mode.text())));
    }
    sent.addAll(new WithTaskConfig(strategy("fedavg", training, fit), FederatedStandardization.withScaler(Config.empty(), scaler)));
    sent.add("fit", FederatedStandardization.statisticsConfig(FederatedStandardization.SECAGG_BOUND, null));
    sent.add("fit", FederatedStandardization.statisticsConfig(FederatedStandardization.SECAGG_STANDARDISED_BOUND, scaler));
    PrivacySpec.SecAgg secagg = new PrivacySpec.SecAgg(true, 0, 0, 1.0, 32, 10_000, 60);
    sent.addAll(new SecureAggregation(strategy("fedavg", training, fit), secagg.params(secagg.maxWeight()),
        (client, request, deadline) -> CompletableFuture.failedFuture(new IllegalStateException("no transport in this test")),
        Duration.ofSeconds(10), null));
    // Paillier aggregation marks its tasks through the same SecureMeanStrategy as secure aggregation
    sent.add("fit", Config.empty().with(PaillierAggregation.CONFIG_KEY, true));
    return sent;
  }

  private static Strategy strategy(String name, TrainingSpec training, Config fit) {
    return StrategyFactory.create(new StrategySpec(name, 12, 3, 1.0, 60, Map.of()), training, fit, null, 1);
  }

  /** The text between backticks of a table cell. */
  static String code(String cell) {
    assertTrue(cell.startsWith("`") && cell.endsWith("`"), "expected `...` in the table, got " + cell);
    return cell.substring(1, cell.length() - 1);
  }

  /**
   * The body rows (cells trimmed) of the first Markdown table after the first line that starts
   * with {@code heading}.
   */
  static List<List<String>> table(Path file, String heading) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    int i = 0;
    while (i < lines.size() && !lines.get(i).startsWith(heading)) i++;
    assertTrue(i < lines.size(), file + " has no line starting with " + heading);
    while (i < lines.size() && !lines.get(i).startsWith("|")) i++;
    assertTrue(i + 2 < lines.size() && lines.get(i + 1).startsWith("|---"), "no table after " + heading);
    List<List<String>> rows = new ArrayList<>();
    for (i += 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
      String line = lines.get(i).strip();
      List<String> cells = new ArrayList<>();
      for (String cell : line.substring(1, line.length() - 1).split("\\|", -1)) cells.add(cell.strip());
      rows.add(cells);
    }
    assertFalse(rows.isEmpty(), "empty table after " + heading);
    return rows;
  }
}
