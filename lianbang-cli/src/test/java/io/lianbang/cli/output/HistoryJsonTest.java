package io.lianbang.cli.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianbang.cli.Histories;
import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.sim.spec.SimulationSpec;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryJsonTest {
  @Test
  void holdsConfigEnvironmentRoundsAndFinalMetrics(@TempDir Path tmp) throws Exception {
    ObjectMapper m = ConfigLoader.jsonMapper();
    JsonNode doc = HistoryJson.document(m, ConfigLoader.toJsonTree(SimulationSpec.demo()),
        Map.of("java_version", "17", "kernels", "scalar", "threads", 2), Histories.sample(3), 4.5);
    Path f = tmp.resolve("history.json");
    HistoryJson.write(m, doc, f);
    JsonNode read = m.readTree(f.toFile());

    assertEquals(0.5, read.at("/config/partition/alpha").asDouble());
    assertEquals(100, read.at("/config/partition/num_clients").asInt());
    assertFalse(read.at("/config").has("output"));
    assertEquals("scalar", read.at("/environment/kernels").asText());
    assertEquals(2, read.at("/environment/threads").asInt());
    assertEquals(4, read.at("/rounds").size());
    assertEquals(0, read.at("/rounds/0/round").asInt());
    assertEquals(2.3, read.at("/rounds/0/centralized/loss").asDouble());
    assertEquals(0.9, read.at("/rounds/1/fit_metrics/train_loss").asDouble(), 1e-12);
    assertEquals(0.55, read.at("/rounds/1/federated/metrics/accuracy").asDouble(), 1e-12);
    assertEquals("timeout", read.at("/rounds/2/failures/0/kind").asText());
    assertEquals("client-007", read.at("/rounds/2/failures/0/client").asText());
    assertEquals(3, read.at("/final/rounds_completed").asInt());
    assertEquals(0.75, read.at("/final/test_accuracy").asDouble(), 1e-12);
    assertEquals(0.5, read.at("/final/test_loss").asDouble(), 1e-12);
    assertEquals(4.5, read.at("/final/seconds").asDouble());
  }
}
