package io.lianbang.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.federation.RoundRecord;
import io.lianbang.engine.nn.OptimizerType;
import io.lianbang.sim.spec.DatasetSpec;
import io.lianbang.sim.spec.DpMode;
import io.lianbang.sim.spec.PartitionKind;
import io.lianbang.sim.spec.PartitionSpec;
import io.lianbang.sim.spec.PrivacySpec;
import io.lianbang.sim.spec.SimulationSpec;
import io.lianbang.sim.spec.StrategySpec;
import io.lianbang.sim.spec.TrainingSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Secure aggregation and DP-FedAvg wired into simulations of the bundled breast-cancer data. */
class PrivacySimulationTest {
  private static SimulationSpec spec(PrivacySpec privacy) {
    return new SimulationSpec("p", 3, 8, 2, "logistic:30",
        new DatasetSpec("breast-cancer", null, null, "label", 0.2, "standard"),
        new PartitionSpec(PartitionKind.IID, 20, 1, 1, 1),
        new StrategySpec("fedavg", 10, 0, 0.5, 60, Map.of()),
        new TrainingSpec(1, 8, OptimizerType.SGD, 0.1, 0, 0), 1, privacy);
  }

  private static PrivacySpec.SecAgg secagg() {
    return new PrivacySpec.SecAgg(true, 0, 0, 1.0, 32, 10_000, 30);
  }

  private static SimulationResult run(PrivacySpec p) throws InterruptedException {
    return Simulation.prepare(spec(p)).run(List.of());
  }

  private static double accuracy(SimulationResult r) {
    return r.run().history().last().centralized().orElseThrow().metrics().get("accuracy").orElseThrow();
  }

  @Test
  void secureAggregationGivesTheSameModelAsPlainFedAvgUpToQuantisation() throws InterruptedException {
    SimulationResult plain = run(PrivacySpec.none());
    SimulationResult secure = run(new PrivacySpec(secagg(), PrivacySpec.Dp.none()));
    float[] a = plain.run().parameters().flatten();
    float[] b = secure.run().parameters().flatten();
    double err = 0;
    for (int i = 0; i < a.length; i++) err = Math.max(err, Math.abs(a[i] - b[i]));
    assertTrue(err < 1e-4, "max parameter difference " + err);
    RoundRecord last = secure.run().history().last();
    assertEquals(10.0, last.fitMetrics().get("secagg_clients").orElseThrow());
  }

  @Test
  void paillierAggregationGivesPlainFedAvgWithinTheFixedPointBound() throws InterruptedException {
    SimulationResult plain = run(PrivacySpec.none());
    SimulationResult encrypted = run(new PrivacySpec(PrivacySpec.SecAgg.disabled(), new PrivacySpec.Paillier(true, 512),
        PrivacySpec.Dp.none()));
    float[] a = plain.run().parameters().flatten();
    float[] b = encrypted.run().parameters().flatten();
    for (int i = 0; i < a.length; i++) {
      // The fixed-point error (m·2^-41 / Σ examples per round) is far below a float32 ulp: both
      // runs round the same real numbers, so they differ by at most one ulp per coordinate.
      assertTrue(Math.abs(a[i] - b[i]) <= 2 * Math.ulp(a[i]), "parameter " + i + ": " + a[i] + " vs " + b[i]);
    }
    assertEquals(accuracy(plain), accuracy(encrypted), 1e-9);
    RoundRecord last = encrypted.run().history().last();
    assertEquals(10.0, last.fitMetrics().get("paillier_clients").orElseThrow());
    // Each upload: 33 ciphertexts (31 weighted coordinates, the weight, the count) of 2·512 bits,
    // plus the 8-byte receipt.
    assertTrue(!encrypted.privacy().clients().isEmpty());
    for (var c : encrypted.privacy().clients()) {
      assertEquals("encrypted", c.form());
      assertEquals(c.rounds() * (33L * 128 + 8), c.bytesSent(), c.toString());
    }
    assertEquals("512", encrypted.privacy().parameters().get("paillier.key_bits"));
  }

  @Test
  void refusesSecAggTogetherWithPaillier() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PrivacySpec(secagg(), new PrivacySpec.Paillier(true, 2048), PrivacySpec.Dp.none()));
    assertTrue(e.getMessage().startsWith("privacy.secagg.enabled and privacy.paillier.enabled cannot both be true"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new PrivacySpec.Paillier(true, 1000 + 1));
    assertEquals("privacy.paillier.key_bits must be an even number in [512, 8192], got 1001", e.getMessage());
  }

  @Test
  void clientSideDpUnderSecureAggregationReportsEpsilonAndStillLearns() throws InterruptedException {
    PrivacySpec.Dp dp = new PrivacySpec.Dp(DpMode.CLIENT, 0.5, 1.0, false, 0.5, 1e-5, 0, true);
    SimulationResult r = run(new PrivacySpec(secagg(), dp));
    double eps = r.run().history().last().fitMetrics().get("dp_epsilon").orElseThrow();
    assertTrue(eps > 0 && Double.isFinite(eps), "epsilon " + eps);
    // The report: every participating client sent masked updates, more bytes than the 31 floats
    // of a plain upload (keys, shares and the masked vector), and the epsilon of the last round.
    assertEquals(eps, r.privacy().epsilon(), 1e-12);
    assertTrue(!r.privacy().clients().isEmpty());
    for (var c : r.privacy().clients()) {
      assertEquals("masked", c.form());
      assertTrue(c.bytesSent() > c.rounds() * 4L * 31, c.toString());
    }
    assertTrue(accuracy(r) > 0.85, "accuracy " + accuracy(r));
  }

  @Test
  void deterministicNoiseMakesDpRunsReproducible() throws InterruptedException {
    PrivacySpec.Dp dp = new PrivacySpec.Dp(DpMode.SERVER, 0.8, 1.0, true, 0.5, 1e-5, 0, true);
    PrivacySpec p = new PrivacySpec(PrivacySpec.SecAgg.disabled(), dp);
    assertEquals(run(p).run().history().withoutTiming(), run(p).run().history().withoutTiming());
  }

  @Test
  void refusesServerSideDpWithSecureAggregation() {
    PrivacySpec.Dp dp = new PrivacySpec.Dp(DpMode.SERVER, 1.0, 1.0, false, 0.5, 1e-5, 0, false);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PrivacySpec(secagg(), dp));
    assertTrue(e.getMessage().contains("privacy.dp.mode server"), e.getMessage());
  }
}
