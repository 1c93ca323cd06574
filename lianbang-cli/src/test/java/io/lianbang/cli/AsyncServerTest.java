package io.lianbang.cli;

import static io.lianbang.cli.ServerConfigs.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianbang.cli.run.Simulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lianbang server} with {@code async.enabled}: FedBuff over three {@code lianbang client}s on
 * loopback, with the simulation's {@code async} keys and federated evaluation every
 * {@code evaluate_every} updates; what FedBuff cannot serve yet is refused before the server
 * starts, naming the key.
 */
class AsyncServerTest {
  @TempDir Path dir;

  @Test
  void threeClientsRunFedBuffServerUpdates() throws Exception {
    int port = freePort();
    Path history = dir.resolve("history");
    Path config = ServerConfigs.write(dir, "fedbuff", port, 4, history, "allow_anonymous: true",
        "strategy: {clients_per_round: 3, evaluate_clients_per_round: 3, round_timeout_seconds: 60}", "evaluate_every: 2",
        "async: {enabled: true, buffer_size: 2, concurrency: 3, max_staleness: 4}");
    List<Cli> runs = ThreeSites.deploy(config, port, 90);
    Cli s = runs.get(0);
    assertEquals(0, s.exit, s.toString());
    assertTrue(s.out.contains("done: 4 rounds"), s.toString());
    for (Cli c : runs.subList(1, runs.size())) assertEquals(0, c.exit, c.toString());
    JsonNode rounds = new ObjectMapper().readTree(history.resolve("history.json").toFile()).get("rounds");
    assertTrue(rounds.isArray(), rounds.toString());
    assertEquals(4, rounds.size(), "one record per server update: " + rounds);
    for (int v = 0; v < 4; v++) {
      assertEquals(v + 1, rounds.get(v).get("round").asInt(), rounds.toString());
      assertTrue(rounds.get(v).toString().contains("\"mean_staleness\""), "FedBuff's metrics in " + rounds.get(v));
      assertTrue(rounds.get(v).toString().contains("\"train_loss\""), "the buffered updates' training loss in " + rounds.get(v));
      JsonNode federated = rounds.get(v).get("federated");
      if (v % 2 == 0) {
        assertEquals(null, federated, "no evaluation at update " + (v + 1) + ": " + rounds.get(v));
      } else {
        // the clients with no fit task in flight evaluate the new model on their held-out data
        assertTrue(federated != null && federated.get("num_examples").asLong() > 0, "evaluation at update " + (v + 1) + ": " + rounds.get(v));
        assertTrue(federated.toString().contains("\"accuracy\""), federated.toString());
      }
    }
  }

  /**
   * A FedBuff server checkpoints every server update: a run of 2 updates, started again with
   * {@code rounds: 4}, continues from update 2 over new connections; a FedBuff setting changed
   * since is refused, naming it.
   */
  @Test
  void aCheckpointedRunContinuesFromItsLastServerUpdate() throws Exception {
    Path checkpoint = dir.resolve("fedbuff.ckpt");
    String[] lines = {"allow_anonymous: true", "strategy: {clients_per_round: 3, round_timeout_seconds: 60}",
        "async: {enabled: true, buffer_size: 2, concurrency: 3, max_staleness: 4}", "checkpoint: " + checkpoint};
    int firstPort = freePort();
    List<Cli> first = ThreeSites.deploy(ServerConfigs.write(dir, "first", firstPort, 2, dir.resolve("out1"), lines), firstPort, 90);
    assertEquals(0, first.get(0).exit, first.get(0).toString());
    assertEquals(2, new io.lianbang.core.federation.CheckpointFile(checkpoint).read().orElseThrow().round());

    int port = freePort();
    List<Cli> second = ThreeSites.deploy(ServerConfigs.write(dir, "second", port, 4, dir.resolve("out2"), lines), port, 90);
    Cli s = second.get(0);
    assertEquals(0, s.exit, s.toString());
    assertTrue(s.out.contains("done: 4 rounds"), s.toString());
    JsonNode rounds = new ObjectMapper().readTree(dir.resolve("out2").resolve("history.json").toFile()).get("rounds");
    assertEquals(4, rounds.size(), "the checkpoint's 2 updates and 2 more: " + rounds);
    JsonNode before = new ObjectMapper().readTree(dir.resolve("out1").resolve("history.json").toFile()).get("rounds");
    for (int v = 0; v < 2; v++) {
      assertEquals(before.get(v).get("fit_metrics"), rounds.get(v).get("fit_metrics"), "update " + (v + 1) + " as recorded before");
    }
    assertEquals(4, new io.lianbang.core.federation.CheckpointFile(checkpoint).read().orElseThrow().round());

    String[] changed = lines.clone();
    changed[2] = "async: {enabled: true, buffer_size: 3, concurrency: 3, max_staleness: 4}";
    Cli other = Cli.run(Simulator.standard(), "server", "--config",
        ServerConfigs.write(dir, "third", freePort(), 6, dir.resolve("out3"), changed).toString());
    assertNotEquals(0, other.exit, other.toString());
    assertTrue(other.err.contains("async.buffer_size: 2 in the checkpoint, 3 now"), other.toString());
  }

  private Cli refused(String... lines) throws Exception {
    Path config = ServerConfigs.write(dir, "refused", freePort(), 2, dir.resolve("out"), lines);
    Cli c = Cli.run(Simulator.standard(), "server", "--config", config.toString());
    assertNotEquals(0, c.exit, c.toString());
    return c;
  }

  @Test
  void latencyIsSimulationOnlyAndFedBuffRefusesWhatItCannotServe() throws Exception {
    Cli latency = refused("allow_anonymous: true", "async: {enabled: true}", "latency: {kind: constant}");
    assertTrue(latency.err.contains("latency is a simulation-only section"), latency.toString());
    Cli secagg = refused("allow_anonymous: true", "async: {enabled: true}", "privacy: {secagg: {enabled: true}}");
    assertTrue(secagg.err.contains("async.enabled does not support privacy mechanisms yet"), secagg.toString());
    Cli k = refused("allow_anonymous: true", "async: {enabled: true, buffer_size: 0}");
    assertTrue(k.err.contains("async.buffer_size must be >= 1, got 0"), k.toString());
    assertTrue(!Files.exists(dir.resolve("out").resolve("history.json")));
  }
}
