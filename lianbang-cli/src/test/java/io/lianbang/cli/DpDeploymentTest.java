package io.lianbang.cli;

import static io.lianbang.cli.ServerConfigs.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianbang.cli.run.Simulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential privacy in deployment: {@code lianbang server} with {@code privacy.dp} and three
 * {@code lianbang client} over loopback report the ε per round that {@code simulate} reports for
 * the same privacy section and three clients (both sample every client, q = 1), and stop at the
 * budget in the same round.
 */
class DpDeploymentTest {
  private static final int ROUNDS = 4;
  /** Between ε after two rounds (about 7.3 for z = 1) and after three (about 8.9): training stops after round 2. */
  private static final String DP = "{mode: %s, noise_multiplier: 1.0, clip: 1.0, delta: 1.0e-5, epsilon_budget: 8, deterministic_noise: true}";

  @TempDir Path dir;

  private static Cli run(String... args) {
    return Cli.run(Simulator.standard(), args);
  }

  /** dp_epsilon of rounds 1..ROUNDS in {@code dir}/history.json (NaN where a round has none). */
  private static double[] epsilons(Path historyDir) throws IOException {
    JsonNode rounds = new ObjectMapper().readTree(historyDir.resolve("history.json").toFile()).get("rounds");
    double[] out = new double[ROUNDS + 1];
    java.util.Arrays.fill(out, Double.NaN);
    for (JsonNode r : rounds) {
      JsonNode e = r.get("fit_metrics").get("dp_epsilon");
      if (r.get("round").asInt() > 0 && e != null) out[r.get("round").asInt()] = e.asDouble();
    }
    return out;
  }

  /** The same privacy section simulated over three clients, all sampled each round. */
  private Path simulate(String mode) throws IOException {
    Path config = dir.resolve("sim-" + mode + ".yaml");
    Files.writeString(config, String.join("\n", "name: sim-" + mode, "seed: 42", "rounds: " + ROUNDS, "model: logistic:30",
        "dataset: {name: breast-cancer, test_fraction: 0.2, normalize: standard}",
        "partition: {kind: iid, num_clients: 3}",
        "strategy: {name: fedavg, clients_per_round: 3, evaluate_clients_per_round: 0}",
        "training: {local_epochs: 1, batch_size: 16, optimizer: sgd, learning_rate: 0.1}",
        "privacy: {dp: " + String.format(Locale.ROOT, DP, mode) + "}") + "\n");
    Path out = dir.resolve("sim-" + mode);
    Cli c = run("simulate", "--config", config.toString(), "--output", out.toString());
    assertEquals(0, c.exit, c.toString());
    return out;
  }

  /**
   * Runs the server with {@code mode} and three clients with {@code clientFlags} (client-side
   * clipping with client processes, the other modes with clients in threads); returns the
   * server's output and the clients'.
   */
  private List<Cli> deploy(String mode, String... clientFlags) throws Exception {
    int port = freePort();
    Path config = ServerConfigs.write(dir, "dp-" + mode, port, ROUNDS, dir.resolve("dp-" + mode),
        "allow_anonymous: true", "strategy: {clients_per_round: 3, evaluate_clients_per_round: 3}", "privacy: {dp: " + String.format(Locale.ROOT, DP, mode) + "}");
    return mode.equals("client") ? ThreeSites.deployProcesses(config, port, 120, clientFlags)
        : ThreeSites.deploy(config, port, 120, clientFlags);
  }

  private void sameEpsilonAndBudgetStopAsSimulated(String mode) throws Exception {
    double[] simulated = epsilons(simulate(mode));
    // the budget of 8 lets two rounds run: the reference stops after round 2
    assertTrue(simulated[1] > 0 && simulated[2] > simulated[1] && simulated[2] <= 8, java.util.Arrays.toString(simulated));
    assertTrue(Double.isNaN(simulated[3]) && Double.isNaN(simulated[4]), java.util.Arrays.toString(simulated));

    List<Cli> runs = deploy(mode);
    Cli s = runs.get(0);
    assertEquals(0, s.exit, s.toString());
    double[] deployed = epsilons(dir.resolve("dp-" + mode));
    for (int r = 1; r <= ROUNDS; r++) {
      if (Double.isNaN(simulated[r])) {
        assertTrue(Double.isNaN(deployed[r]), "round " + r + " trained past the budget: " + java.util.Arrays.toString(deployed));
      } else {
        assertEquals(simulated[r], deployed[r], 1e-12, "round " + r);
        assertTrue(s.out.contains(String.format(Locale.ROOT, "epsilon %.4f", simulated[r])), s.toString());
      }
    }
    assertTrue(s.out.contains("round  2/4  clients 3/3") && s.out.contains("round  3/4  clients 0/0"), s.toString());
    ThreeSites.assertClientsDone(runs, "done after 2 training");
  }

  @Test
  void clientSideClippingOverGrpcReportsTheSimulatedEpsilonAndStopsAtTheBudget() throws Exception {
    sameEpsilonAndBudgetStopAsSimulated("client");
  }

  @Test
  void serverSideClippingOverGrpcReportsTheSimulatedEpsilonAndStopsAtTheBudget() throws Exception {
    sameEpsilonAndBudgetStopAsSimulated("server");
  }

  /**
   * Local DP: each client clips and adds the noise itself, so the server has no accountant and
   * each client's ε is that of its own releases, which simulate reports in privacy.json (every
   * client trains every round, so all of them spend the same ε). Seeded noise only with the flag.
   */
  @Test
  void localDpClientsSpendTheSimulatedEpsilonAndRefuseSeededNoiseUnlessAllowed() throws Exception {
    Path sim = simulate("local");
    double simulated = new ObjectMapper().readTree(sim.resolve("privacy.json").toFile()).get("epsilon").asDouble();
    assertTrue(simulated > 0 && Double.isFinite(simulated), "epsilon " + simulated);

    List<Cli> runs = deploy("local", "--allow-seeded-dp-noise");
    assertEquals(0, runs.get(0).exit, runs.get(0).toString());
    assertTrue(runs.get(0).out.contains("round  4/4  clients 3/3"), runs.get(0).toString());
    for (Cli c : runs.subList(1, 4)) {
      assertEquals(0, c.exit, c.toString());
      assertTrue(c.out.contains(String.format(Locale.ROOT, "local differential privacy spent epsilon %.4f at delta 1.0E-5", simulated)),
          c.toString());
    }

    runs = deploy("local");
    Cli s = runs.get(0);
    assertEquals(1, s.exit, s.toString());
    assertTrue(s.out.contains("client site-0 failed in 4 of 4 rounds"), s.toString());
    String history = Files.readString(dir.resolve("dp-local").resolve("history.json"));
    // the failure as the server records it, abbreviated after the exception's name
    assertTrue(history.contains("IllegalArgumentException: config dp_noise seeded i"), history);
    assertTrue(s.err.contains("no round updated the model"), s.err);
  }
}
