package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    assertUsageError(simulate("rounds: 3\nround: 5\n"), "unknown key 'round' at top level (valid: attack, dataset, "
        + "evaluate_every, model, name, output, partition, privacy, rounds, seed, strategy, threads, training)");
  }

  @Test
  void unknownNestedKey() throws Exception {
    assertUsageError(simulate("partition:\n  alpah: 0.5\n"),
        "unknown key 'alpah' in partition (valid: alpha, kind, min_size, num_clients, shards_per_client)");
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
    assertUsageError(r, "unknown key 'alpah' in partition (valid: alpha, kind, min_size, num_clients, shards_per_client)");
  }

  @Test
  void noCommandIsAUsageError() {
    Cli r = Cli.run(sim);
    assertEquals(2, r.exit);
    assertTrue(r.err.startsWith("lianbang: error: missing command"), r.err);
  }
}
