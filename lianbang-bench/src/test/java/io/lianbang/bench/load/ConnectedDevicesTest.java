package io.lianbang.bench.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.aggregate.ExactWeightedSum;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.engine.nn.Models;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many devices at once against one real server over loopback: 200 token-authenticated devices
 * sharing 20 connections take part in every round of FedAvg, none fails, and the aggregate is
 * exactly the example-weighted mean of all 200 known updates (a device left out would change it).
 * The 2,000-device figures come from {@code bench/load.sh}.
 */
class ConnectedDevicesTest {
  private static final int DEVICES = 200;
  private static final int CHANNELS = 20; // 10 devices per connection; within the default 32 connections per address
  private static final int ROUNDS = 2;
  private static final long SEED = 15;

  @Test
  @Timeout(120)
  void everyDeviceTakesPartInEveryRoundAndTheAggregateIsTheirExactMean() throws Exception {
    Parameters initial = Models.create("linear:299", SEED).parameters(); // 300 values
    ServerSettings settings = ServerSettings.defaults("load-test").withTokens(DeviceFleet.tokens(SEED, DEVICES));
    RunResult result;
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).settings(settings).start()) {
      server.expectLayout(initial);
      try (DeviceFleet fleet = DeviceFleet.start("127.0.0.1:" + server.port(), DEVICES, CHANNELS, SEED, initial, Duration.ofSeconds(60))) {
        FedAvg strategy = FedAvg.builder().minFitClients(DEVICES).minAvailableClients(DEVICES).build();
        FederationConfig config = FederationConfig.builder().rounds(ROUNDS).seed(SEED).quorum(1.0)
            .roundTimeout(Duration.ofSeconds(60)).waitForClients(Duration.ofSeconds(60)).build();
        result = new Federation(strategy, server.clients(), config, List.of()).run(initial);
        server.finish("the load test is complete", Duration.ofSeconds(20));
        assertTrue(fleet.await(Duration.ofSeconds(30)), "every device's run ends after FINISH");
        assertEquals(0, fleet.failed(), () -> "failed devices: " + fleet.failures());
        assertEquals(DEVICES, fleet.finished());
        assertEquals(DEVICES * ROUNDS, fleet.fitTasks());
        assertEquals(0, fleet.rejectedResults());
        assertTrue(fleet.calls().getOrDefault("Register", 0L) >= DEVICES, () -> "calls " + fleet.calls());
      }
    }
    List<RoundRecord> rounds = result.history().rounds().stream().filter(r -> r.round() > 0).toList();
    assertEquals(ROUNDS, rounds.size());
    for (RoundRecord r : rounds) {
      assertEquals(DEVICES, r.sampled(), "round " + r.round() + " sampled");
      assertEquals(DEVICES, r.succeeded(), "round " + r.round() + " succeeded");
      assertEquals(List.of(), r.failures(), "round " + r.round() + " failures");
    }
    assertBitIdentical(expected(initial, -1), result.parameters());
    // The check is sharp: leaving out any one device's update would change the aggregate.
    assertFalse(bitIdentical(expected(initial, DEVICES / 2), result.parameters()));
  }

  /** FedAvg of every device's known update, round after round, leaving out device {@code skip} (none if -1). */
  private static Parameters expected(Parameters initial, int skip) {
    Parameters global = initial;
    for (int round = 1; round <= ROUNDS; round++) {
      ExactWeightedSum sum = new ExactWeightedSum(global);
      for (int i = DEVICES - 1; i >= 0; i--) { // any order: the sum is exact
        if (i != skip) sum.add(DeviceUpdate.update(i, round, global), DeviceUpdate.examples(i));
      }
      global = sum.mean();
    }
    return global;
  }

  private static void assertBitIdentical(Parameters expected, Parameters actual) {
    assertEquals(expected.count(), actual.count());
    for (int t = 0; t < expected.count(); t++) {
      assertArrayEquals(expected.tensors().get(t).toArray(), actual.tensors().get(t).toArray(), 0f, "tensor " + t);
    }
  }

  private static boolean bitIdentical(Parameters a, Parameters b) {
    for (int t = 0; t < a.count(); t++) {
      if (!java.util.Arrays.equals(a.tensors().get(t).toArray(), b.tensors().get(t).toArray())) return false;
    }
    return true;
  }
}
