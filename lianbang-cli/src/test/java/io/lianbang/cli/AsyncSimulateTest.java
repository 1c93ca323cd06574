package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.cli.run.Simulator;
import io.lianbang.sim.spec.AsyncSpec;
import io.lianbang.sim.spec.LatencyKind;
import io.lianbang.sim.spec.LatencySpec;
import io.lianbang.sim.spec.SimulationSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lianbang simulate} runs FedBuff from the {@code async} and {@code latency} sections. */
class AsyncSimulateTest {
  private static final String YAML = """
      name: fedbuff
      seed: 3
      rounds: 6
      threads: 2
      model: logistic:30
      evaluate_every: 3
      dataset:
        name: breast-cancer
        test_fraction: 0.2
        normalize: standard
      partition:
        kind: iid
        num_clients: 10
      training:
        batch_size: 16
        learning_rate: 0.1
      async:
        enabled: true
        buffer_size: 3
        concurrency: 5
        max_staleness: 4
        server_learning_rate: 1.0
        staleness_exponent: 0.5
      latency:
        kind: lognormal
        mean_seconds: 10
        spread: 1.0
        jitter: 0.2
      """;

  @Test
  void theSectionsMapOntoTheSpec() {
    SimulationSpec s = ConfigLoader.parse(YAML).spec();
    assertEquals(new AsyncSpec(true, 3, 5, 4, 1.0, 0.5), s.async());
    assertEquals(new LatencySpec(LatencyKind.LOGNORMAL, 10, 1.0, 0.2, 0), s.latency());
    assertEquals(AsyncSpec.off(), ConfigLoader.parse("rounds: 2\n").spec().async());
    assertEquals(LatencySpec.none(), ConfigLoader.parse("rounds: 2\n").spec().latency());
  }

  @Test
  void badValuesAreNamedWithTheirKey() {
    Cli r = Cli.run(Simulator.standard(), "simulate", "-c", write(YAML.replace("kind: lognormal", "kind: fast")), "--no-store");
    assertEquals(Main.USAGE, r.exit, r.toString());
    assertTrue(r.err.contains("latency.kind") && r.err.contains("fast"), r.err);
    r = Cli.run(Simulator.standard(), "simulate", "-c", write(YAML.replace("concurrency: 5", "concurrency: 11")), "--no-store");
    assertEquals(Main.USAGE, r.exit, r.toString());
    assertTrue(r.err.contains("async.concurrency must not exceed partition.num_clients (10), got 11"), r.err);
  }

  @Test
  void simulateRunsFedBuffAndRecordsSimulatedTime(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("out");
    Cli r = Cli.run(Simulator.standard(), "simulate", "-c", write(YAML), "--no-store", "--no-chart", "--output", out.toString());
    assertEquals(0, r.exit, r.toString());
    JsonNode json = ConfigLoader.jsonMapper().readTree(out.resolve("history.json").toFile());
    assertTrue(json.at("/config/async/enabled").asBoolean(), json.toString());
    JsonNode rounds = json.get("rounds");
    assertEquals(7, rounds.size(), "round 0 and 6 server updates");
    double before = -1;
    for (JsonNode round : rounds) {
      double t = round.at("/fit_metrics/simulated_seconds").asDouble(-1);
      assertTrue(t > before || (t == 0 && before == -1), "simulated time grows: " + rounds);
      before = t;
    }
    double acc = json.at("/final/test_accuracy").asDouble();
    assertTrue(acc > 0.8 && acc <= 1, "FedBuff on breast cancer should pass 80%, got " + acc);
  }

  private Path dir;

  private String write(String yaml) {
    try {
      if (dir == null) dir = Files.createTempDirectory("fedbuff-cli");
      Path f = Files.createTempFile(dir, "fedbuff", ".yaml");
      Files.writeString(f, yaml);
      return f.toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
