package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.cli.run.Simulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The experiment runner on the bundled breast-cancer grid, with real simulations. */
class ExperimentCommandTest {
  @TempDir
  Path tmp;

  @Test
  void runsTheGridAndWritesTableCsvAndChart() throws Exception {
    Cli r = Cli.run(Simulator.standard(), "experiment", "-c", "../experiments/grid-breast-cancer.yaml", "-o", tmp.toString());
    assertEquals(0, r.exit, r.toString());
    List<String> csv = Files.readAllLines(tmp.resolve("results.csv"));
    assertEquals("strategy,partition,seed,final_accuracy,rounds_to_target", csv.get(0));
    assertEquals(1 + 3 * 2 * 3, csv.size(), "one row per run");
    for (String row : csv.subList(1, csv.size())) {
      double acc = Double.parseDouble(row.split(",")[3]);
      assertTrue(acc > 0.85, row);
    }
    String md = Files.readString(tmp.resolve("results.md"));
    assertTrue(md.contains("| fedprox mu=0.1 | dirichlet(0.5) | 3 |"), md);
    assertEquals(2 + 3 * 2, md.strip().split("\n").length, md);
    assertTrue(Files.size(tmp.resolve("accuracy.png")) > 10_000);
    assertTrue(Files.exists(tmp.resolve("median").resolve("iid").resolve("seed-2").resolve("history.csv")));
  }

  @Test
  void unknownGridKeysAreNamed() throws Exception {
    Path grid = tmp.resolve("g.yaml");
    Files.writeString(grid, "base: ../examples/demo.yaml\nstrategies:\n  - {name: fedavg, parms: {}}\n");
    Cli r = Cli.run(Simulator.standard(), "experiment", "-c", grid.toString(), "-o", tmp.toString());
    assertEquals(2, r.exit);
    assertEquals("lianbang: error: unknown key 'parms' in strategies[0] (valid: label, name, params)", r.err.strip());
  }
}
