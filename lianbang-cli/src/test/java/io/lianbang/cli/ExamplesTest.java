package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.sim.spec.SimulationSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The files in {@code examples/} load, validate and are documented. */
class ExamplesTest {
  static final Path EXAMPLES = Path.of("..", "examples");

  @Test
  void everyExampleLoadsAndIsListedInTheReadme() throws Exception {
    String readme = Files.readString(EXAMPLES.resolve("README.md"));
    List<Path> files;
    try (Stream<Path> s = Files.list(EXAMPLES)) {
      files = s.filter(p -> p.toString().endsWith(".yaml") && !p.getFileName().toString().startsWith("vertical-")).sorted().toList();
    }
    assertEquals(5, files.size(), files.toString());
    for (Path f : files) {
      SimulationSpec spec = ConfigLoader.load(f, List.of()).spec();
      assertTrue(Files.readString(f).startsWith("# "), f + " has no comment header");
      String name = f.getFileName().toString();
      assertTrue(readme.contains("./lianbang simulate --config examples/" + name), name + " not in README");
      assertTrue(spec.rounds() >= 1);
    }
  }

  @Test
  void everyVerticalExampleLoadsAndIsListedInTheReadme() throws Exception {
    String readme = Files.readString(EXAMPLES.resolve("README.md"));
    for (String name : List.of("vertical-credit.yaml", "vertical-breast.yaml")) {
      Path f = EXAMPLES.resolve(name);
      io.lianbang.cli.config.VerticalSpec spec = ConfigLoader.loadVertical(f, List.of());
      assertTrue(Files.readString(f).startsWith("# "), f + " has no comment header");
      assertTrue(readme.contains("./lianbang vertical train --role guest -c examples/" + name), name + " not in README");
      assertTrue(spec.hosts().size() == 1 && spec.guest().equals("guest"), name);
    }
  }

  @Test
  void demoYamlIsTheDemo() {
    assertEquals(SimulationSpec.demo(), ConfigLoader.load(EXAMPLES.resolve("demo.yaml"), List.of()).spec());
  }

  @Test
  void breastCancerIsLogisticOverTenIidClientsWithStandardisation() {
    SimulationSpec s = ConfigLoader.load(EXAMPLES.resolve("breast-cancer-logistic.yaml"), List.of()).spec();
    assertEquals("breast-cancer", s.dataset().name());
    assertEquals("standard", s.dataset().normalize());
    assertEquals("logistic:30", s.model());
    assertEquals("iid", s.partition().kind().toString());
    assertEquals(10, s.partition().numClients());
  }

  @Test
  void privacyExampleUsesClientSideDpUnderSecureAggregation() {
    SimulationSpec s = ConfigLoader.load(EXAMPLES.resolve("breast-cancer-dp-secagg.yaml"), List.of()).spec();
    assertTrue(s.privacy().secagg().enabled());
    assertEquals("client", s.privacy().dp().mode().toString());
    assertEquals(1.5, s.privacy().dp().noiseMultiplier());
    assertEquals(10.0, s.privacy().dp().epsilonBudget());
    assertTrue(!s.privacy().paillier().enabled());
  }
}
