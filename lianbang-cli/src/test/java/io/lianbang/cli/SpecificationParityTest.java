package io.lianbang.cli;

import static io.lianbang.cli.ServerConfigs.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.cli.run.Simulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same {@code strategy}, {@code training}, {@code privacy} and {@code compression} sections through
 * {@code simulate} and through {@code lianbang server} with three client processes over loopback:
 * what one accepts and runs, the other accepts and runs; what one refuses, the other refuses with
 * the same message.
 */
class SpecificationParityTest {
  @TempDir Path dir;

  /** The sections (YAML lines), the flags the clients need, and the refusal's message (null: accepted). */
  static Stream<Arguments> cases() {
    String three = "clients_per_round: 3";
    return Stream.of(
        Arguments.of("strategy: {name: fedprox, " + three + ", params: {mu: 0.01}}\ntraining: {optimizer: adam, learning_rate: 0.01}\n"
            + "privacy: {secagg: {enabled: true, stage_timeout_seconds: 30}, dp: {mode: client, noise_multiplier: 0.5, clip: 1.0}}",
            "--secagg", null),
        Arguments.of("strategy: {name: krum, " + three + ", params: {f: 0}}\ntraining: {momentum: 0.5}", "", null),
        Arguments.of("strategy: {name: fedsgd}", "", "strategy.name must be one of "),
        Arguments.of("strategy: {clients_per_rounds: 3}", "", "unknown key 'clients_per_rounds' in strategy (valid: "),
        Arguments.of("strategy: {quorum: 2}", "", "strategy.quorum must be in (0, 1], got 2.0"),
        Arguments.of("strategy: {name: fedprox, " + three + ", params: {mu: -1}}", "", "strategy.params.mu must be "),
        Arguments.of("strategy: {name: krum, " + three + ", params: {f: 1}}", "", "strategy.params.f must be in [0, 0] for strategy.clients_per_round 3)"),
        Arguments.of("training: {learning_rate: -1}", "", "training.learning_rate must be > 0, got -1.0"),
        Arguments.of("training: {optimizer: rmsprop}", "", "training.optimizer must be one of "),
        Arguments.of("strategy: {name: median, " + three + "}\nprivacy: {secagg: {enabled: true}}", "", "privacy.secagg cannot wrap "),
        Arguments.of("strategy: {name: median, " + three + "}\nprivacy: {paillier: {enabled: true, key_bits: 512}}", "",
            "privacy.paillier cannot wrap "),
        Arguments.of("strategy: {name: median, " + three + "}\nprivacy: {dp: {mode: client}}", "", "privacy.dp.mode client cannot wrap strategy "),
        Arguments.of("privacy: {secagg: {enabled: true}, dp: {mode: server}}", "", "privacy.dp.mode server cannot be combined with "),
        Arguments.of("privacy: {secagg: {enabled: true}, paillier: {enabled: true}}", "",
            "privacy.secagg.enabled and privacy.paillier.enabled cannot both be true"),
        Arguments.of("privacy: {secagg: {enabled: true, k: 2, threshold: 1}}", "", "privacy.secagg.threshold must be >= 2"),
        Arguments.of("privacy: {dp: {mode: client, adaptive: true}}", "", "privacy.dp.adaptive needs privacy.dp.mode server"),
        Arguments.of("privacy: {dp: {mode: laplace}}", "", "privacy.dp.mode must be one of none, server, client, local"),
        Arguments.of("strategy: {" + three + "}\ncompression: {uplink: {codec: topk, values: int8, fraction: 0.1, error_feedback: true}, "
            + "downlink: {codec: fp16}}",
            "", null),
        Arguments.of("compression: {uplink: {codec: topk}}\nprivacy: {secagg: {enabled: true}}", "",
            "compression.uplink.codec topk cannot be used with privacy.secagg"),
        Arguments.of("compression: {uplink: {codec: int8, fraction: 0.1}}", "", "compression.uplink: codec int8: unknown parameter 'fraction'"),
        Arguments.of("compression: {downlink: {delta: true}}", "", "compression.downlink.delta needs a codec"),
        Arguments.of("compression: {uplink: {codec: int8}}\nprivacy: {paillier: {enabled: true, key_bits: 512}}", "",
            "cannot be used with privacy.paillier"));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void simulateAndServerAcceptAndRefuseAlike(String sections, String clientFlags, String refusal) throws Exception {
    Path simConfig = dir.resolve("sim.yaml");
    Files.writeString(simConfig, String.join("\n", "name: parity", "seed: 42", "rounds: 1", "model: logistic:30",
        "dataset: {name: breast-cancer, test_fraction: 0.2, normalize: standard}", "partition: {kind: iid, num_clients: 3}",
        sections) + "\n");
    Cli sim = Cli.run(Simulator.standard(), "simulate", "--config", simConfig.toString(), "--output", dir.resolve("sim").toString(),
        "--no-progress", "--no-chart");

    int port = freePort();
    // what only a server has: a key holder to dial (never reached: every case with Paillier is refused first) and local scaling
    Path serverConfig = dir.resolve("server.yaml");
    Files.writeString(serverConfig, String.join("\n", "name: parity", "seed: 42", "rounds: 1", "model: logistic:30",
        "listen: 127.0.0.1:" + port, "allow_anonymous: true", "normalize: local", "key_holder: {address: 127.0.0.1:1}",
        "wait_for_clients_seconds: 60", "heartbeat_seconds: 3", sections) + "\n");
    if (refusal != null) {
      Cli server = Cli.run(Simulator.standard(), "server", "--config", serverConfig.toString());
      assertEquals(2, sim.exit, sim.toString());
      assertEquals(2, server.exit, server.toString());
      assertTrue(sim.err.contains(refusal), sim.toString());
      assertEquals(sim.err, server.err, "the same refusal in both worlds");
      return;
    }
    assertEquals(0, sim.exit, sim.toString());
    List<Cli> runs = ThreeSites.deployProcesses(serverConfig, port, 120, clientFlags.isEmpty() ? new String[0] : new String[] {clientFlags});
    assertEquals(0, runs.get(0).exit, runs.get(0).toString());
    assertTrue(runs.get(0).out.contains("round  1/1  clients 3/3"), runs.get(0).toString());
    ThreeSites.assertClientsDone(runs, "done after 1 training");
  }
}
