package io.lianbang.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.Traffic;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.engine.nn.OptimizerType;
import io.lianbang.sim.spec.DatasetSpec;
import io.lianbang.sim.spec.PartitionKind;
import io.lianbang.sim.spec.PartitionSpec;
import io.lianbang.sim.spec.SimulationSpec;
import io.lianbang.sim.spec.StrategySpec;
import io.lianbang.sim.spec.TrainingSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulationTest {
  private static SimulationSpec fashion(int threads, long seed) {
    return new SimulationSpec("t", seed, 3, threads, "mlp:784-32-10", DatasetSpec.fashionMnist(),
        new PartitionSpec(PartitionKind.DIRICHLET, 50, 0.5, 2, 10),
        new StrategySpec("fedavg", 5, 3, 0.5, 600, Map.of()),
        new TrainingSpec(1, 10, OptimizerType.SGD, 0.05, 0.5, 1e-4), 1);
  }

  private static SimulationSpec breastCancer(int threads) {
    return new SimulationSpec("bc", 3, 10, threads, "logistic:30",
        new DatasetSpec("breast-cancer", null, null, "target", 0.25, "standard"),
        new PartitionSpec(PartitionKind.IID, 10, 1.0, 2, 0),
        new StrategySpec("fedavg", 5, 0, 0.5, 600, Map.of()),
        new TrainingSpec(2, 8, OptimizerType.SGD, 0.1, 0.0, 0.0), 1);
  }

  @Test
  void sameSeedGivesBitIdenticalRunsWithOneAndTwoThreads() throws Exception {
    for (SimulationSpec[] pair : List.of(
        new SimulationSpec[] {fashion(1, 11), fashion(2, 11)},
        new SimulationSpec[] {breastCancer(1), breastCancer(2)})) {
      SimulationResult one = Simulation.prepare(pair[0]).run(List.of());
      SimulationResult two = Simulation.prepare(pair[1]).run(List.of());
      assertArrayEquals(one.run().parameters().flatten(), two.run().parameters().flatten());
      assertEquals(one.run().history().withoutTiming(), two.run().history().withoutTiming());
    }
  }

  @Test
  void recordsTheEncodedBytesOfEveryRoundAndTheRunsTotal() throws Exception {
    SimulationResult r = Simulation.prepare(breastCancer(2)).run(List.of());
    long model = 0; // float32: per tensor 4 bytes of header, 8 per dimension, 4 per value
    for (Tensor t : r.run().parameters().tensors()) model += 4 + 8L * t.rank() + 4L * t.size();
    List<RoundRecord> rounds = r.run().history().rounds();
    assertEquals(new Traffic(0, 0), rounds.get(0).traffic(), "the initial evaluation moves nothing");
    for (RoundRecord round : rounds.subList(1, rounds.size())) {
      // 5 clients train each round: the model goes down to each and comes back from each; none evaluates
      assertEquals(new Traffic(5 * model, 5 * model), round.traffic(), "round " + round.round());
      assertEquals(new Traffic(round.round() * 5 * model, round.round() * 5 * model), round.totalTraffic(), "round " + round.round());
    }
  }

  @Test
  void anotherSeedGivesAnotherRun() throws Exception {
    SimulationResult a = Simulation.prepare(fashion(2, 11)).run(List.of());
    SimulationResult b = Simulation.prepare(fashion(2, 12)).run(List.of());
    assertNotEquals(a.run().history().withoutTiming(), b.run().history().withoutTiming());
  }

  @Test
  void recordsCentralizedAndFederatedEvaluationEveryRound() throws Exception {
    SimulationResult r = Simulation.prepare(fashion(2, 5)).run(List.of());
    List<RoundRecord> rounds = r.run().history().rounds();
    assertEquals(4, rounds.size(), "round 0 plus 3 rounds");
    RoundRecord last = rounds.get(3);
    assertEquals(5, last.sampled());
    assertEquals(5, last.succeeded());
    double accuracy = last.centralized().orElseThrow().metrics().get("accuracy").orElseThrow();
    assertTrue(accuracy > 0.5, "accuracy after 3 rounds " + accuracy);
    assertEquals(10_000, last.centralized().orElseThrow().numExamples());
    assertTrue(last.federated().isPresent());
    assertTrue(last.fitMetrics().get("train_loss").orElseThrow() > 0);
  }

  @Test
  void logisticRegressionOnBreastCancerLearns() throws Exception {
    RoundRecord last = Simulation.prepare(breastCancer(2)).run(List.of()).run().history().last();
    double accuracy = last.centralized().orElseThrow().metrics().get("accuracy").orElseThrow();
    assertTrue(accuracy > 0.93, "accuracy " + accuracy);
  }

  @Test
  void rejectsAModelThatDoesNotFitTheData() {
    SimulationSpec s = fashion(1, 1);
    SimulationSpec bad = new SimulationSpec("t", 1, 1, 1, "mlp:100-10", s.dataset(), s.partition(), s.strategy(), s.training(), 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Simulation.prepare(bad));
    assertTrue(e.getMessage().startsWith("model mlp:100-10 does not fit dataset fashion-mnist"), e.getMessage());
    SimulationSpec unknown = new SimulationSpec("t", 1, 1, 1, "transformer:3", s.dataset(), s.partition(), s.strategy(), s.training(), 1);
    e = assertThrows(IllegalArgumentException.class, () -> Simulation.prepare(unknown));
    assertTrue(e.getMessage().contains("transformer:3"), e.getMessage());
  }

  @Test
  void rejectsAMissingDatasetDirectory() {
    SimulationSpec s = fashion(1, 1);
    Path missing = Path.of("/nonexistent/fashion");
    SimulationSpec bad = new SimulationSpec("t", 1, 1, 1, s.model(),
        new DatasetSpec("fashion-mnist", missing, null, "label", 0.2, "none"), s.partition(), s.strategy(), s.training(), 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Simulation.prepare(bad));
    assertTrue(e.getMessage().contains("dataset.dir") && e.getMessage().contains("/nonexistent/fashion"), e.getMessage());
  }

  @Test
  void specValidationNamesTheFieldAndTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PartitionSpec(PartitionKind.DIRICHLET, 10, 0, 2, 10));
    assertEquals("partition.alpha must be > 0, got 0.0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new TrainingSpec(1, 10, OptimizerType.SGD, -0.1, 0, 0));
    assertEquals("training.learning_rate must be > 0, got -0.1", e.getMessage());
    SimulationSpec d = SimulationSpec.demo();
    e = assertThrows(IllegalArgumentException.class, () -> new SimulationSpec("d", 1, 1, 1, d.model(), d.dataset(), d.partition(),
        new StrategySpec("fedavg", 120, 0, 0.5, 60, Map.of()), d.training(), 1));
    assertEquals("strategy.clients_per_round must not exceed partition.num_clients (100), got 120", e.getMessage());
  }
}
