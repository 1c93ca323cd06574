package io.lianbang.cli.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.engine.nn.OptimizerType;
import io.lianbang.sim.spec.DatasetSpec;
import io.lianbang.sim.spec.PartitionKind;
import io.lianbang.sim.spec.PartitionSpec;
import io.lianbang.sim.spec.SimulationSpec;
import io.lianbang.sim.spec.StrategySpec;
import io.lianbang.sim.spec.TrainingSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
  @TempDir Path tmp;

  @Test
  void emptyFileIsTheDemo() throws Exception {
    Path f = tmp.resolve("empty.yaml");
    Files.writeString(f, "# nothing here\n");
    assertEquals(SimulationSpec.demo(), ConfigLoader.load(f, List.of()).spec());
  }

  @Test
  void everyKeyMapsOntoItsField() {
    SimulationSpec s = ConfigLoader.parse("""
        name: full
        seed: 7
        rounds: 3
        threads: 2
        model: logistic:30
        evaluate_every: 2
        dataset:
          name: csv
          dir: /data/fmnist
          path: /data/x.csv
          label_column: diagnosis
          test_fraction: 0.25
          normalize: standard
        partition:
          kind: shards
          num_clients: 20
          alpha: 0.3
          shards_per_client: 3
          min_size: 5
        strategy:
          name: fedavg
          clients_per_round: 4
          evaluate_clients_per_round: 2
          quorum: 0.75
          round_timeout_seconds: 30
        training:
          local_epochs: 2
          batch_size: 16
          optimizer: adam
          learning_rate: 0.001
          momentum: 0.9
          weight_decay: 0.0005
        output:
          dir: out
        """).spec();
    assertEquals(new SimulationSpec("full", 7, 3, 2, "logistic:30",
        new DatasetSpec("csv", Path.of("/data/fmnist"), Path.of("/data/x.csv"), "diagnosis", 0.25, "standard"),
        new PartitionSpec(PartitionKind.SHARDS, 20, 0.3, 3, 5),
        new StrategySpec("fedavg", 4, 2, 0.75, 30, Map.of()),
        new TrainingSpec(2, 16, OptimizerType.ADAM, 0.001, 0.9, 0.0005), 2), s);
  }

  @Test
  void missingKeysTakeTheDemoValues() {
    SimulationSpec demo = SimulationSpec.demo();
    SimulationSpec s = ConfigLoader.parse("""
        rounds: 5
        partition:
          alpha: 0.1
        training:
        """).spec();
    assertEquals(5, s.rounds());
    assertEquals(0.1, s.partition().alpha());
    assertEquals(demo.partition().numClients(), s.partition().numClients());
    assertEquals(demo.partition().kind(), s.partition().kind());
    assertEquals(demo.training(), s.training());
    assertEquals(demo.strategy(), s.strategy());
    assertEquals(demo.dataset(), s.dataset());
    assertEquals(demo.model(), s.model());
  }

  @Test
  void outputDirIsRead() {
    assertEquals("runs/x", ConfigLoader.parse("output:\n  dir: runs/x\n").output().dir());
    assertNull(ConfigLoader.parse("rounds: 2\n").output().dir());
  }

  @Test
  void unknownTopLevelKeyIsNamedWithTheValidKeys() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("round: 5\n"));
    assertEquals("unknown key 'round' at top level (valid: async, attack, compression, dataset, evaluate_every, latency, model, name, output, "
        + "partition, privacy, rounds, seed, store, strategy, threads, training)", e.getMessage());
  }

  @Test
  void privacySectionMapsOntoThePrivacySpec() {
    RunConfig c = ConfigLoader.parse("privacy:\n  secagg:\n    enabled: true\n    k: 8\n  dp:\n    mode: client\n"
        + "    noise_multiplier: 0.7\n    epsilon_budget: 3\n");
    var p = c.spec().privacy();
    assertEquals(true, p.secagg().enabled());
    assertEquals(8, p.secagg().k());
    assertEquals("client", p.dp().mode().toString());
    assertEquals(0.7, p.dp().noiseMultiplier());
    assertEquals(3.0, p.dp().epsilonBudget());
  }

  @Test
  void paillierSectionMapsOntoThePrivacySpecAndExcludesSecAgg() {
    var p = ConfigLoader.parse("privacy:\n  paillier:\n    enabled: true\n    key_bits: 1024\n").spec().privacy();
    assertEquals(true, p.paillier().enabled());
    assertEquals(1024, p.paillier().keyBits());
    assertEquals(2048, ConfigLoader.parse("privacy:\n  paillier:\n    enabled: true\n").spec().privacy().paillier().keyBits());
    ConfigException unknown = assertThrows(ConfigException.class,
        () -> ConfigLoader.parse("privacy:\n  paillier:\n    bits: 1024\n"));
    assertEquals("unknown key 'bits' in privacy.paillier (valid: enabled, key_bits)", unknown.getMessage());
    IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> ConfigLoader.parse(
        "privacy:\n  secagg:\n    enabled: true\n  paillier:\n    enabled: true\n").spec());
    assertTrue(both.getMessage().startsWith("privacy.secagg.enabled and privacy.paillier.enabled cannot both be true"),
        both.getMessage());
    IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
        () -> ConfigLoader.parse("privacy:\n  paillier:\n    key_bits: 256\n").spec());
    assertEquals("privacy.paillier.key_bits must be an even number in [512, 8192], got 256", small.getMessage());
  }

  @Test
  void privacyErrorsNameTheKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("privacy:\n  dp:\n    noise: 1\n"));
    assertTrue(e.getMessage().startsWith("unknown key 'noise' in privacy.dp (valid: adaptive, clip, delta, deterministic_noise"), e.getMessage());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> ConfigLoader.parse("privacy:\n  dp:\n    mode: global\n").spec());
    assertEquals("privacy.dp.mode must be one of none, server, client, local, got global", bad.getMessage());
    bad = assertThrows(IllegalArgumentException.class,
        () -> ConfigLoader.parse("privacy:\n  secagg:\n    k: 7\n").spec());
    assertTrue(bad.getMessage().startsWith("privacy.secagg.k must be an even number"), bad.getMessage());
  }

  @Test
  void aSecAggThresholdBelowTheSafeBoundIsRefusedNamingTheBound() {
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> ConfigLoader.parse("privacy:\n  secagg:\n    enabled: true\n    k: 2\n    threshold: 1\n").spec());
    assertEquals("privacy.secagg.threshold must be >= 2 = floor((k + 1)/2) + 1 for k = 2 (more than half of the client and its k"
        + " neighbours, who hold its secrets), got 1", bad.getMessage());
    bad = assertThrows(IllegalArgumentException.class,
        () -> ConfigLoader.parse("privacy:\n  secagg:\n    threshold: 1\n").spec());
    assertEquals("privacy.secagg.threshold must be 0 (default) or >= 2, got 1", bad.getMessage());
    bad = assertThrows(IllegalArgumentException.class,
        () -> ConfigLoader.parse("privacy:\n  secagg:\n    min_survivors: 1\n").spec());
    assertEquals("privacy.secagg.min_survivors must be >= 2, got 1", bad.getMessage());
    var p = ConfigLoader.parse("privacy:\n  secagg:\n    enabled: true\n    k: 4\n    threshold: 3\n    min_survivors: 5\n")
        .spec().privacy().secagg();
    assertEquals(5, p.params(1).minSurvivors());
    assertEquals(2, ConfigLoader.parse("privacy:\n  secagg:\n    enabled: true\n").spec().privacy().secagg().minSurvivors());
  }

  @Test
  void unknownNestedKeyIsNamedWithItsSection() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("partition:\n  alpah: 0.5\n"));
    assertEquals("unknown key 'alpah' in partition (valid: alpha, examples_per_client, kind, min_size, num_clients, shards_per_client)",
        e.getMessage());
  }

  @Test
  void camelCaseKeysAreUnknown() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("training:\n  learningRate: 0.1\n"));
    assertTrue(e.getMessage().startsWith("unknown key 'learningRate' in training (valid: batch_size, learning_rate,"),
        e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "rounds: ten                         | rounds must be an integer, got 'ten'",
    "rounds: 2.5                         | rounds must be an integer, got 2.5",
    "partition: {num_clients: many}      | partition.num_clients must be an integer, got 'many'",
    "training: {learning_rate: fast}     | training.learning_rate must be a number, got 'fast'",
    "training: {learning_rate: [1, 2]}   | training.learning_rate must be a number, got a list",
    "partition: 5                        | partition must be a section of keys, got 5",
    "seed: null                          | seed must be an integer, got nothing (null)",
    "model: {kind: mlp}                  | model must be a string, got a section {kind}",
  })
  void wrongTypesNameTheKeyAndTheValue(String yaml, String message) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml));
    assertEquals(message, e.getMessage());
  }

  @Test
  void invalidYamlNamesTheLine() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("rounds: 5\n  seed: [1\n"));
    assertTrue(e.getMessage().startsWith("invalid YAML in configuration at line "), e.getMessage());
  }

  @Test
  void topLevelMustBeAMapping() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("- 1\n- 2\n"));
    assertEquals("configuration must hold a mapping of keys at the top level, got a list", e.getMessage());
  }

  @Test
  void duplicateKeysAreRejected() {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse("rounds: 5\nrounds: 6\n"));
    assertTrue(e.getMessage().contains("rounds"), e.getMessage());
  }

  @Test
  void missingFileIsNamed() {
    Path f = tmp.resolve("nope.yaml");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f, List.of()));
    assertEquals("config file not found: " + f, e.getMessage());
  }

  @Test
  void setAssignsNestedKeysAsYamlScalars() {
    RunConfig c = ConfigLoader.defaults(List.of("partition.alpha=0.1", "rounds=7", "dataset.dir=/x", "name=run-1"));
    assertEquals(0.1, c.spec().partition().alpha());
    assertEquals(7, c.spec().rounds());
    assertEquals(Path.of("/x"), c.spec().dataset().dir());
    assertEquals("run-1", c.spec().name());
  }

  @Test
  void setRejectsUnknownKeysAndMalformedAssignments() {
    assertEquals("unknown key 'alpah' in partition (valid: alpha, examples_per_client, kind, min_size, num_clients, shards_per_client)",
        assertThrows(ConfigException.class, () -> ConfigLoader.defaults(List.of("partition.alpah=1"))).getMessage());
    assertEquals("--set expects key.path=value, got 'rounds'",
        assertThrows(ConfigException.class, () -> ConfigLoader.defaults(List.of("rounds"))).getMessage());
    assertEquals("--set rounds.x: 'rounds' is not a section, it holds 5",
        assertThrows(ConfigException.class, () -> ConfigLoader.defaults(List.of("rounds=5", "rounds.x=1"))).getMessage());
  }

  @Test
  void yamlRoundTripsThroughToYaml() {
    SimulationSpec spec = new SimulationSpec("rt", 3, 4, 2, "mlp:784-64-10",
        new DatasetSpec("csv", null, Path.of("/d/x.csv"), "y", 0.3, "minmax"),
        new PartitionSpec(PartitionKind.QUANTITY, 12, 0.7, 2, 3), new StrategySpec("fedavg", 5, 1, 0.6, 12.5, Map.of()),
        new TrainingSpec(3, 8, OptimizerType.SGD, 0.02, 0.5, 1e-4), 2);
    String yaml = ConfigLoader.toYaml(spec);
    assertTrue(yaml.startsWith("name: rt\nseed: 3\nrounds: 4\n"), yaml);
    assertTrue(!yaml.contains("output"), yaml);
    assertEquals(spec, ConfigLoader.parse(yaml).spec());
    assertEquals(SimulationSpec.demo(), ConfigLoader.parse(ConfigLoader.toYaml(SimulationSpec.demo())).spec());
  }

  @Test
  void nullStringsAreNamed() {
    assertEquals("model must be set, got nothing (null)",
        assertThrows(IllegalArgumentException.class, () -> ConfigLoader.parse("model:\n").spec()).getMessage());
    assertEquals("dataset.name must be one of fashion-mnist, breast-cancer, csv, got null",
        assertThrows(IllegalArgumentException.class, () -> ConfigLoader.parse("dataset: {name: null}").spec()).getMessage());
  }

  @Test
  void recordValidationMessagesPassThrough() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConfigLoader.parse("training:\n  learning_rate: -0.1\n").spec());
    assertEquals("training.learning_rate must be > 0, got -0.1", e.getMessage());
  }

  @Test
  void aFlagsTextStaysTextWhateverYamlWouldMakeOfIt() {
    SimulationSpec s = ConfigLoader.defaults(List.of(ConfigLoader.assignment("name", "2024"),
        ConfigLoader.assignment("dataset.dir", "/data/a #b"), ConfigLoader.assignment("rounds", 3))).spec();
    assertEquals("2024", s.name());
    assertEquals(Path.of("/data/a #b"), s.dataset().dir());
    assertEquals(3, s.rounds());
  }

  /**
   * An edge's file and its flags merge (flags win), a list key takes a flow sequence from
   * {@code --set} or a list flag's values, the required keys and TLS are named when missing, and
   * a bracketed text that is not a list of scalars stays text.
   */
  @Test
  void anEdgeConfigurationMergesItsFileAndFlagsAndNamesWhatIsMissing() throws Exception {
    Path f = tmp.resolve("edge.yaml");
    Files.writeString(f, "parent: national.example:7443\nname: region-north\nseed: 42\nmodel: logistic:30\nmin_clients: 3\n"
        + "tls: {ca: ca.pem, certificate: edge.pem, private_key: edge.key, client_ca: clients-ca.pem}\n");
    EdgeSpec e = ConfigLoader.loadEdge(f, List.of("clients=[h1, h2]", ConfigLoader.assignment("min_clients", 5)));
    assertEquals("national.example:7443", e.parent());
    assertEquals(42L, e.seed());
    assertEquals(5, e.minClients(), "the flag wins over the file");
    assertEquals(List.of("h1", "h2"), e.clients());
    assertEquals(Path.of("clients-ca.pem"), e.tls().clientCa().getFileName());
    assertEquals(600.0, e.roundTimeoutSeconds(), "a key the file leaves out keeps its default");
    assertEquals(List.of("a", "b"), ConfigLoader.loadEdge(f, List.of(ConfigLoader.assignment("clients", List.of("a", "b")))).clients());
    assertEquals("parent must be set, got nothing (null)",
        assertThrows(ConfigException.class, () -> ConfigLoader.loadEdge(null, List.of("name=e", "seed=1", "model=logistic:2"))).getMessage());
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.loadEdge(null,
        List.of("parent=p:1", "name=e", "seed=1", "model=logistic:2"))).getMessage().contains("or insecure (--insecure)"));
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.loadEdge(null,
        List.of("parent=p:1", "name=e", "seed=1", "model=logistic:2", "tls.ca=ca.pem"))).getMessage().contains("go together"));
    assertEquals("[::1]", ConfigLoader.loadEdge(f, List.of("listen=[::1]")).listen(), "not a list of scalars: text");
  }

  @Test
  void aServerSectionKeepsTheDefaultsOfTheKeysItLeavesOut() throws Exception {
    Path f = tmp.resolve("server.yaml");
    Files.writeString(f, "model: logistic:30\ntraining:\n  local_epochs: 3\nprivacy:\n  secagg:\n    enabled: true\n");
    ServerSpec c = ConfigLoader.loadServer(f, List.of("allow_anonymous=true"));
    assertEquals(new TrainingSpec(3, 10, OptimizerType.SGD, 0.05, 0.0, 0.0), c.training());
    assertEquals(new io.lianbang.sim.spec.PrivacySpec.SecAgg(true, 0, 0, 1.0, 32, 10_000, 60), c.privacy().secagg());
    Files.writeString(f, "model: logistic:30\ntraining:\n  batch_size: 0\n");
    assertEquals("training.batch_size must be >= 1, got 0",
        assertThrows(ConfigException.class, () -> ConfigLoader.loadServer(f, List.of("allow_anonymous=true"))).getMessage());
  }

  @Test
  void secretKeysAreReadButNeverWritten() throws Exception {
    Path f = tmp.resolve("server.yaml");
    Files.writeString(f, "model: logistic:30\ntokens:\n  hospital-a: s3cret-token-of-hospital-a\n");
    ServerSpec c = ConfigLoader.loadServer(f, List.of());
    assertEquals(Map.of("hospital-a", "s3cret-token-of-hospital-a"), c.tokens());
    String json = ConfigLoader.jsonMapper().writeValueAsString(c);
    assertTrue(!json.contains("s3cret") && !json.contains("tokens") && json.contains("logistic:30"), json);
    Files.writeString(f, "model: logistic:30\ntoken: x\n");
    assertTrue(assertThrows(ConfigException.class, () -> ConfigLoader.loadServer(f, List.of())).getMessage().contains(", tokens,"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "partition:\\n  kind: labels      | partition.kind must be one of iid, dirichlet, shards, quantity, sampled, got labels",
      "partition:\\n  kind: IID         | partition.kind must be one of iid, dirichlet, shards, quantity, sampled, got IID",
      "partition:\\n  kind: 0           | partition.kind must be one of iid, dirichlet, shards, quantity, sampled, got 0",
      "partition:\\n  kind: null        | partition.kind must be one of iid, dirichlet, shards, quantity, sampled, got null",
      "attack:\\n  kind: flip         | attack.kind must be one of none, sign_flip, gaussian_noise, scaling, label_flip, got flip",
      "attack:\\n  kind: \"\"         | attack.kind must be one of none, sign_flip, gaussian_noise, scaling, label_flip, got ",
      "training:\\n  optimizer: rmsprop | training.optimizer must be one of sgd, adam, got rmsprop",
      "training:\\n  optimizer: 1.5   | training.optimizer must be one of sgd, adam, got 1.5",
      "privacy:\\n  dp:\\n    mode: 1   | privacy.dp.mode must be one of none, server, client, local, got 1",
      "privacy:\\n  dp:\\n    mode: true | privacy.dp.mode must be one of none, server, client, local, got true",
      "privacy:\\n  dp:\\n    mode: {a: 1} | privacy.dp.mode must be one of none, server, client, local, got a section {a}",
  })
  void kindsThatAreNotWordsListTheWords(String yaml, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ConfigLoader.parse(yaml.replace("\\n", "\n")).spec());
    assertEquals(message.strip(), e.getMessage().strip());
  }

  @Test
  void kindsAreWrittenAndReadAsTheirWords() {
    SimulationSpec s = ConfigLoader.parse("""
        partition: {kind: quantity}
        attack: {kind: gaussian_noise, fraction: 0.1}
        training: {optimizer: adam}
        privacy: {dp: {mode: local, noise_multiplier: 0.5}}
        """).spec();
    assertEquals(PartitionKind.QUANTITY, s.partition().kind());
    assertEquals(io.lianbang.sim.spec.AttackKind.GAUSSIAN_NOISE, s.attack().kind());
    assertEquals(OptimizerType.ADAM, s.training().optimizer());
    assertEquals(io.lianbang.sim.spec.DpMode.LOCAL, s.privacy().dp().mode());
    String yaml = ConfigLoader.toYaml(s);
    assertTrue(yaml.contains("kind: quantity\n") && yaml.contains("kind: gaussian_noise\n") && yaml.contains("optimizer: adam\n")
        && yaml.contains("mode: local\n"), yaml);
    assertEquals(s, ConfigLoader.parse(yaml).spec());
    assertEquals("adam", ConfigLoader.toJsonTree(s).path("training").path("optimizer").textValue());
    assertEquals("dirichlet", ConfigLoader.toJsonTree(SimulationSpec.demo()).path("partition").path("kind").textValue());
  }

  /** Written configurations keep the order users know: the scalars first, then the sections. */
  @Test
  void aWrittenConfigurationShowsTheScalarsFirst() {
    String yaml = ConfigLoader.toYaml(SimulationSpec.demo().withPrivacy(io.lianbang.sim.spec.PrivacySpec.none()));
    List<String> keys = yaml.lines().filter(l -> !l.startsWith(" ") && !l.startsWith("#")).map(l -> l.substring(0, l.indexOf(':'))).toList();
    assertEquals(List.of("name", "seed", "rounds", "threads", "model", "evaluate_every", "dataset", "partition", "strategy", "training",
        "privacy", "attack", "compression", "async", "latency"), keys);
  }
}
