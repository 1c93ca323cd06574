package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.sim.Simulation;
import io.lianbang.sim.SimulationResult;
import io.lianbang.sim.spec.SimulationSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The flagship demo as specified (100 clients, Fashion-MNIST, Dirichlet 0.5, 10 per round, one
 * local epoch of SGD lr 0.05 at batch 10, MLP 784-200-200-10, 50 rounds) reaches at least 80%
 * test accuracy, as a PyTorch FedAvg of the same setting does (80-82% at round 50).
 */
class DemoAccuracyTest {
  @Test
  void demoReachesEightyPercent() throws Exception {
    SimulationResult r = Simulation.prepare(SimulationSpec.demo()).run(List.of());
    double accuracy = r.run().history().last().centralized().orElseThrow().metrics().get("accuracy").orElseThrow();
    assertTrue(accuracy >= 0.80, "final test accuracy " + accuracy);
  }
}
