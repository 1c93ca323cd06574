package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.sim.spec.SimulationSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands with a simulator that replays a hand-made history. */
class CliRunTest {
  @TempDir Path tmp;
  final FakeSimulator sim = new FakeSimulator();

  @Test
  void flagsOverrideSetWhichOverridesTheFile() throws Exception {
    Path f = Files.writeString(tmp.resolve("c.yaml"), """
        name: from-file
        rounds: 9
        seed: 1
        partition:
          kind: iid
          num_clients: 40
          alpha: 0.9
        training:
          learning_rate: 0.5
          batch_size: 32
        """);
    Cli r = Cli.run(sim, "simulate", "-c", f.toString(), "--output", tmp.resolve("o").toString(),
        "--set", "rounds=5", "--set", "partition.num_clients=30", "--set", "training.batch_size=16",
        "--rounds", "2", "--alpha", "0.2", "--lr", "0.01", "--num-clients", "20", "--clients-per-round", "4",
        "--partition", "dirichlet", "--model", "logistic:784", "--threads", "3", "--local-epochs", "2",
        "--optimizer", "adam", "--momentum", "0.8", "--weight-decay", "0.001", "--name", "flagged", "--seed", "11",
        "--data-dir", tmp.toString());
    assertEquals(0, r.exit, r.toString());
    SimulationSpec s = sim.spec;
    assertEquals("flagged", s.name());
    assertEquals(11, s.seed());
    assertEquals(2, s.rounds());
    assertEquals(3, s.threads());
    assertEquals("logistic:784", s.model());
    assertEquals("dirichlet", s.partition().kind().toString());
    assertEquals(20, s.partition().numClients());
    assertEquals(0.2, s.partition().alpha());
    assertEquals(4, s.strategy().clientsPerRound());
    assertEquals(2, s.training().localEpochs());
    assertEquals(16, s.training().batchSize(), "--set beats the file where no flag is given");
    assertEquals("adam", s.training().optimizer().toString());
    assertEquals(0.01, s.training().learningRate());
    assertEquals(0.8, s.training().momentum());
    assertEquals(0.001, s.training().weightDecay());
    assertEquals(tmp.toAbsolutePath(), s.dataset().dir());
  }

  @Test
  void simulateWritesAllOutputsAndPrintsHeaderLinesAndFooter() throws Exception {
    Path f = Files.writeString(tmp.resolve("c.yaml"), "name: small\nrounds: 3\npartition: {kind: iid, num_clients: 10}\n");
    Path out = tmp.resolve("run");
    Cli r = Cli.run(sim, "simulate", "--config", f.toString(), "--output", out.toString());
    assertEquals(0, r.exit, r.toString());
    assertEquals("", r.err, "no progress bar when not on a terminal");
    for (String name : List.of("history.csv", "history.json", "config.yaml", "chart.png")) {
      assertTrue(Files.size(out.resolve(name)) > 0, name);
    }
    assertEquals(5, Files.readAllLines(out.resolve("history.csv")).size());
    assertEquals(sim.spec, ConfigLoader.load(out.resolve("config.yaml"), List.of()).spec(), "config.yaml reloads");

    String o = r.out;
    assertTrue(o.contains("run 'small', 3 rounds, seed 42"), o);
    assertTrue(o.contains("partition  iid over 10 clients\n" + " ".repeat(11) + "10 clients, 10..90 examples each"), o);
    assertTrue(o.contains("model      mlp:784-200-200-10"), o);
    assertTrue(o.contains("kernels    "), o);
    assertTrue(o.contains("threads    "), o);
    assertTrue(Pattern.compile("(?m)^round  0/3  initial\\s+test_loss 2\\.3000  test_acc 10\\.00%  0\\.25 s$")
        .matcher(o).find(), o);
    List<String> lines = o.lines().filter(l -> l.startsWith("round ")).toList();
    assertEquals(4, lines.size(), o);
    for (String l : lines) assertEquals(lines.get(1).indexOf("test_loss"), l.indexOf("test_loss"), "columns line up:\n" + o);
    assertTrue(Pattern.compile("(?m)^round  1/3  clients 10/10  train_loss 0\\.9000  test_loss 1\\.0000  test_acc 60\\.00%"
        + "  fed_loss 1\\.0500  fed_acc 55\\.00%  1\\.01 s$").matcher(o).find(), o);
    assertTrue(o.contains("round  2/3  clients  9/10"), o);
    assertTrue(o.contains("(1 failed: 1 timeout)"), o);
    assertTrue(o.contains("final      test_acc 75.00%  test_loss 0.5000  (round 3)"), o);
    assertTrue(o.contains("time       3.5 s total"), o);
    assertTrue(o.contains("outputs    " + out + "/ (chart.png, config.yaml, history.csv, history.json)"), o);
  }

  @Test
  void demoRunsTheDemoSpec() {
    Cli r = Cli.run(sim, "demo", "--output", tmp.resolve("d").toString(), "--no-chart");
    assertEquals(0, r.exit, r.toString());
    assertEquals(SimulationSpec.demo(), sim.spec);
    assertTrue(Files.exists(tmp.resolve("d/history.csv")));
    assertTrue(!Files.exists(tmp.resolve("d/chart.png")));
  }

  @Test
  void demoFlagsOverrideTheDemo() {
    Cli r = Cli.run(sim, "demo", "--rounds", "4", "--threads", "1", "--seed", "5", "--output", tmp.resolve("d").toString());
    assertEquals(0, r.exit, r.toString());
    assertEquals(4, sim.spec.rounds());
    assertEquals(1, sim.spec.threads());
    assertEquals(5, sim.spec.seed());
  }

  @Test
  void outputDirFromTheConfigIsUsed() throws Exception {
    Path out = tmp.resolve("from-config");
    Path f = Files.writeString(tmp.resolve("c.yaml"), "rounds: 2\noutput:\n  dir: " + out + "\n");
    assertEquals(0, Cli.run(sim, "simulate", "-c", f.toString()).exit);
    assertTrue(Files.exists(out.resolve("history.json")));
  }

  @Test
  void versionAndHelp() {
    Cli v = Cli.run(sim, "--version");
    assertEquals(0, v.exit);
    assertTrue(v.out.startsWith("lianbang "), v.out);
    Cli h = Cli.run(sim, "--help");
    assertEquals(0, h.exit);
    assertTrue(h.out.contains("demo") && h.out.contains("simulate"), h.out);
    Cli sh = Cli.run(sim, "simulate", "--help");
    assertTrue(sh.out.contains("--config") && sh.out.contains("--set") && sh.out.contains("--lr"), sh.out);
  }
}
