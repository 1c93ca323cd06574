package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.sim.Simulation;
import io.lianbang.sim.SimulationResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The flagship demo (100 clients, Fashion-MNIST, Dirichlet 0.5, 10 per round, one local epoch of
 * SGD lr 0.05 at batch 10, MLP 784-200-200-10, seed 42) takes exactly the path of its recorded
 * run: the first three rounds' centralized test loss and accuracy equal, to the last bit, those of
 * the 50-round run that ends at 82.33% ({@code docs/benchmarks.md}, re-measured by
 * {@code bench/demo-vs-pytorch.sh}). Any change to partitioning, sampling, initialisation, local
 * training or aggregation changes them. Rounds do not depend on how many follow, so three suffice.
 */
class DemoAccuracyTest {
  /** Round, test loss and test accuracy of rounds 0 to 3 of the recorded demo. */
  private static final double[][] RECORDED = {
      {0, 2.3088679189981893, 0.1176},
      {1, 2.059437042992908, 0.2969},
      {2, 1.6919239512044237, 0.4208},
      {3, 1.7175223630383203, 0.4197}};

  @Test
  void theDemoFollowsItsRecordedRun() throws Exception {
    SimulationResult r = Simulation.prepare(ConfigLoader.defaults(List.of("rounds=3")).spec()).run(List.of());
    List<RoundRecord> rounds = r.run().history().rounds();
    assertEquals(RECORDED.length, rounds.size());
    for (double[] expected : RECORDED) {
      RoundRecord round = rounds.get((int) expected[0]);
      var test = round.centralized().orElseThrow();
      assertEquals(expected[1], test.loss(), 0.0, "test loss of round " + round.round());
      assertEquals(expected[2], test.metrics().get("accuracy").orElseThrow(), 0.0, "test accuracy of round " + round.round());
    }
  }
}
