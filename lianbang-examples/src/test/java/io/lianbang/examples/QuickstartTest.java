package io.lianbang.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.RunResult;
import io.lianbang.examples.quickstart.Quickstart;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's quickstart is this module's {@link Quickstart}, and it works as it says. */
class QuickstartTest {
  static final Path SOURCE = Path.of("src/main/java/io/lianbang/examples/quickstart/Quickstart.java");

  @Test
  void theReadmeShowsExactlyTheCompiledQuickstart() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    String marker = "<!-- example: lianbang-examples/" + SOURCE.toString().replace(File.separatorChar, '/') + " -->";
    int at = readme.indexOf(marker);
    assertTrue(at >= 0, "README has the marker " + marker);
    Matcher block = Pattern.compile("\\G\\s*```java\\n(.*?)```\\n", Pattern.DOTALL).matcher(readme);
    assertTrue(block.find(at + marker.length()), "a java code block follows the marker");
    assertEquals(Files.readString(SOURCE), block.group(1), "README's code block and " + SOURCE);
  }

  @Test
  void fedAvgFitsTheLineBehindBothHospitalsData() throws Exception {
    RunResult run = Quickstart.run(20);
    float[] w = run.parameters().flatten();
    // The rows follow y = 2x + 1 with noise of 0.1: 500 rows pin the fit to about 0.01.
    assertEquals(2.0, w[0], 0.03, "slope");
    assertEquals(1.0, w[1], 0.03, "intercept");
    List<RoundRecord> rounds = run.history().rounds();
    assertEquals(20, rounds.get(rounds.size() - 1).round());
    for (RoundRecord r : rounds.subList(1, rounds.size())) {
      assertEquals(2, r.succeeded(), "round " + r.round() + ": " + r.failures());
    }
  }

  @Test
  void theProgramPrintsTheModelAndItsJvmExits() throws Exception {
    Path out = Files.createTempFile("quickstart", ".txt");
    try {
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
          "-cp", System.getProperty("java.class.path"), Quickstart.class.getName())
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      boolean exited = p.waitFor(120, TimeUnit.SECONDS);
      if (!exited) p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      String printed = Files.readString(out, StandardCharsets.UTF_8);
      assertTrue(exited, "the JVM exits once main returns; printed: " + printed);
      assertEquals(0, p.exitValue(), printed);
      assertTrue(printed.strip().matches("y = 2\\.0\\d\\d x \\+ (1\\.0\\d\\d|0\\.99\\d)"), printed);
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
