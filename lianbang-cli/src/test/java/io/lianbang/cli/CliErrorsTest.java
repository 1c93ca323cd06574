package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.cli.run.Simulator;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every configuration error exits with 2 and one line naming the key and the value, without a stack trace. */
class CliErrorsTest {
  @TempDir Path tmp;
  final FakeSimulator sim = new FakeSimulator();

  private Path config(String yaml) throws Exception {
    Path f = tmp.resolve("run.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private Cli simulate(String yaml, String... flags) throws Exception {
    String[] args = new String[flags.length + 5];
    args[0] = "simulate";
    args[1] = "--config";
    args[2] = config(yaml).toString();
    args[3] = "--output";
    args[4] = tmp.resolve("out").toString();
    System.arraycopy(flags, 0, args, 5, flags.length);
    return Cli.run(sim, args);
  }

  private void assertUsageError(Cli r, String message) {
    assertEquals(2, r.exit, r.toString());
    assertEquals("lianbang: error: " + message + System.lineSeparator(), r.err, r.toString());
    assertFalse(r.err.contains("\tat "), "stack trace printed");
    assertNull(sim.spec, "the simulation was prepared despite the error");
  }

  @Test
  void unknownTopLevelKey() throws Exception {
    assertUsageError(simulate("rounds: 3\nround: 5\n"), "unknown key 'round' at top level (valid: async, attack, compression, dataset, "
        + "evaluate_every, latency, model, name, output, partition, privacy, rounds, seed, store, strategy, threads, training)");
  }

  @Test
  void unknownNestedKey() throws Exception {
    assertUsageError(simulate("partition:\n  alpah: 0.5\n"),
        "unknown key 'alpah' in partition (valid: alpha, examples_per_client, kind, min_size, num_clients, shards_per_client)");
  }

  @Test
  void negativeLearningRate() throws Exception {
    assertUsageError(simulate("training:\n  learning_rate: -0.1\n"), "training.learning_rate must be > 0, got -0.1");
  }

  @ParameterizedTest
  @CsvSource({"-1, -1.0", "0, 0.0"})
  void alphaMustBePositive(String alpha, String shown) throws Exception {
    assertUsageError(simulate("partition:\n  alpha: " + alpha + "\n"), "partition.alpha must be > 0, got " + shown);
  }

  @Test
  void clientsPerRoundAboveNumClients() throws Exception {
    assertUsageError(simulate("strategy:\n  clients_per_round: 120\n"),
        "strategy.clients_per_round must not exceed partition.num_clients (100), got 120");
  }

  @Test
  void missingDatasetDir() throws Exception {
    Path dir = tmp.resolve("no-such-dir");
    assertUsageError(simulate("dataset:\n  dir: " + dir + "\n"), "dataset.dir does not exist: " + dir);
  }

  @Test
  void missingCsvFile() throws Exception {
    Path file = tmp.resolve("missing.csv");
    assertUsageError(simulate("dataset:\n  name: csv\n  path: " + file + "\n"), "dataset.path does not exist: " + file);
  }

  @Test
  void csvWithoutPath() throws Exception {
    assertUsageError(simulate("dataset:\n  name: csv\n"), "dataset.path is required when dataset.name is csv");
  }

  @Test
  void wrongType() throws Exception {
    assertUsageError(simulate("partition:\n  num_clients: ten\n"), "partition.num_clients must be an integer, got 'ten'");
  }

  @Test
  void missingConfigFile() {
    Path f = tmp.resolve("absent.yaml");
    Cli r = Cli.run(sim, "simulate", "--config", f.toString());
    assertUsageError(r, "config file not found: " + f);
  }

  @Test
  void flagValuesAreValidatedLikeTheFile() throws Exception {
    assertUsageError(simulate("rounds: 3\n", "--lr", "-0.1"), "training.learning_rate must be > 0, got -0.1");
    assertUsageError(simulate("rounds: 3\n", "--alpha=0"), "partition.alpha must be > 0, got 0.0");
    assertUsageError(simulate("rounds: 3\n", "--clients-per-round", "101"),
        "strategy.clients_per_round must not exceed partition.num_clients (100), got 101");
    assertUsageError(simulate("rounds: 3\n", "--set", "training.momentm=0.9"), "unknown key 'momentm' in training "
        + "(valid: batch_size, learning_rate, local_epochs, local_epochs_max, momentum, optimizer, weight_decay)");
  }

  @Test
  void demoFlagsAreValidatedToo() {
    Cli r = Cli.run(sim, "demo", "--rounds", "0", "--output", tmp.resolve("o").toString());
    assertUsageError(r, "rounds must be >= 1, got 0");
  }

  @Test
  void malformedFlagValueIsAUsageError() throws Exception {
    Cli r = simulate("rounds: 3\n", "--rounds", "many");
    assertEquals(2, r.exit);
    assertTrue(r.err.startsWith("lianbang: error: Invalid value for option '--rounds': 'many' is not an int"), r.err);
    assertTrue(r.err.contains("lianbang simulate --help"), r.err);
  }

  @Test
  void unknownOptionSuggestsTheNearestOne() throws Exception {
    Cli r = simulate("rounds: 3\n", "--round", "4");
    assertEquals(2, r.exit);
    assertTrue(r.err.startsWith("lianbang: error: Unknown options: '--round'"), r.err);
    assertTrue(r.err.contains("Possible solutions: --rounds"), r.err);
    assertTrue(r.err.contains("--rounds"), r.err);
  }

  @Test
  void outputThatIsAFileIsRejected() throws Exception {
    Path file = Files.writeString(tmp.resolve("taken"), "x");
    Cli r = Cli.run(sim, "simulate", "--config", config("rounds: 2\n").toString(), "--output", file.toString());
    assertUsageError(r, "--output is not a directory: " + file);
  }

  @Test
  void errorsAreReportedOnAPlainCommandLineToo() throws Exception {
    Cli r = Cli.runPlain(sim, "simulate", "--config", config("partition:\n  alpah: 1\n").toString());
    assertUsageError(r, "unknown key 'alpah' in partition (valid: alpha, examples_per_client, kind, min_size, num_clients, shards_per_client)");
  }

  @Test
  void durationsHaveAnUpperBound() throws Exception {
    assertUsageError(simulate("strategy:\n  round_timeout_seconds: 9e9\n"),
        "strategy.round_timeout_seconds must be in (0, 604800] seconds (7 days), got 9.0E9");
  }

  @Test
  void longValuesAreAbbreviatedInMessages() throws Exception {
    String huge = "x".repeat(2_000_000);
    assertUsageError(simulate("strategy:\n  name: " + huge + "\n"), "strategy.name must be one of fedavg, fedavgm, fedprox, "
        + "fedadagrad, fedadam, fedyogi, scaffold, fednova, qfedavg, median, trimmed_mean, krum, bulyan, got "
        + "x".repeat(60) + "... (2000000 characters)");
    assertUsageError(simulate("rounds: 2\n", "--set", huge),
        "--set expects key.path=value, got '" + "x".repeat(60) + "... (2000000 characters)'");
  }

  @Test
  void aBinaryConfigFileIsNamedAsSuch() throws Exception {
    Path f = tmp.resolve("model.bin");
    Files.write(f, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, (byte) 0xff, (byte) 0xfe});
    assertUsageError(Cli.run(sim, "simulate", "--config", f.toString()), "config file " + f + " is not a text file (it is not valid UTF-8)");
    Files.write(f, new byte[] {'r', 'o', 0, 'u'});
    assertUsageError(Cli.run(sim, "simulate", "--config", f.toString()),
        "config file " + f + " is not a text file (it holds a NUL byte at character 2)");
  }

  @Test
  void aFailedRunLeavesNoOutputsBehind() throws Exception {
    Path out = tmp.resolve("failed");
    Simulator failing = spec -> new Simulator.Prepared() {
      @Override
      public String partitionSummary() {
        return "";
      }

      @Override
      public io.lianbang.sim.SimulationResult run(java.util.List<io.lianbang.core.federation.RoundListener> listeners) {
        throw new IllegalStateException("round 1 failed");
      }
    };
    Cli r = Cli.run(failing, "simulate", "--config", config("rounds: 2\n").toString(), "--output", out.toString());
    assertEquals(1, r.exit, r.toString());
    assertTrue(r.err.contains("round 1 failed"), r.err);
    assertFalse(Files.exists(out), "no half-written output directory");

    Path existing = Files.createDirectories(tmp.resolve("existing"));
    r = Cli.run(failing, "simulate", "--config", config("rounds: 2\n").toString(), "--output", existing.toString());
    assertEquals(1, r.exit, r.toString());
    try (var files = Files.list(existing)) {
      assertEquals(0, files.count(), "no config.yaml of the failed run");
    }
  }

  @Test
  void noCommandIsAUsageError() {
    Cli r = Cli.run(sim);
    assertEquals(2, r.exit);
    assertTrue(r.err.startsWith("lianbang: error: missing command"), r.err);
  }
}
