package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.cli.output.HistoryChart;
import io.lianbang.cli.run.Simulator;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real simulation: the bundled breast-cancer example for 3 rounds. */
class EndToEndTest {
  @Test
  void simulateBreastCancerWritesAllFourOutputs(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("bc");
    Cli r = Cli.run(Simulator.standard(), "simulate", "--config", ExamplesTest.EXAMPLES.resolve("breast-cancer-logistic.yaml").toString(),
        "--rounds", "3", "--threads", "2", "--output", out.toString());
    assertEquals(0, r.exit, r.toString());

    List<String> csv = Files.readAllLines(out.resolve("history.csv"));
    assertTrue(csv.size() == 4 || csv.size() == 5, "header and 3 rounds (and maybe round 0): " + csv);
    assertTrue(csv.get(csv.size() - 1).startsWith("3,5,5,0,"), csv.toString());

    JsonNode json = ConfigLoader.jsonMapper().readTree(out.resolve("history.json").toFile());
    assertEquals(3, json.at("/config/rounds").asInt());
    assertEquals("logistic:30", json.at("/config/model").asText());
    assertTrue(json.at("/environment/java_version").isTextual());
    double acc = json.at("/final/test_accuracy").asDouble();
    assertTrue(acc > 0.8 && acc <= 1, "logistic regression on breast cancer should pass 80%, got " + acc);

    assertEquals(3, ConfigLoader.load(out.resolve("config.yaml"), List.of()).spec().rounds());

    BufferedImage png = ImageIO.read(out.resolve("chart.png").toFile());
    assertNotNull(png);
    assertEquals(HistoryChart.WIDTH, png.getWidth());

    assertTrue(r.out.contains("round  3/3  clients 5/5"), r.out);
    assertTrue(r.out.contains("final      test_acc "), r.out);
  }
}
