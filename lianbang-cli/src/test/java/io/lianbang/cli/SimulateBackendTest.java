package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code simulate --backend}: the errors when the backend cannot be used (the Spark module is not on this module's class path). */
class SimulateBackendTest {
  @TempDir Path tmp;
  final FakeSimulator sim = new FakeSimulator();

  private Cli simulate(String... flags) throws Exception {
    Path f = tmp.resolve("run.yaml");
    Files.writeString(f, "rounds: 1\n");
    String[] args = new String[flags.length + 5];
    args[0] = "simulate";
    args[1] = "--config";
    args[2] = f.toString();
    args[3] = "--output";
    args[4] = tmp.resolve("out").toString();
    System.arraycopy(flags, 0, args, 5, flags.length);
    return Cli.run(sim, args);
  }

  private void assertUsageError(Cli r, String message) {
    assertEquals(2, r.exit, r.toString());
    assertEquals("lianbang: error: " + message + System.lineSeparator(), r.err, r.toString());
    assertNull(sim.spec, "the simulation was prepared despite the error");
  }

  @Test
  void sparkWithoutTheSparkModuleSaysWhatIsMissing() throws Exception {
    assertUsageError(simulate("--backend", "spark", "--master", "local[2]"), "--backend: backend spark is not available (available: local); "
        + "backend spark needs the lianbang-spark module (and Spark) on the classpath");
  }

  @Test
  void masterNeedsTheSparkBackend() throws Exception {
    assertUsageError(simulate("--master", "local[2]"), "--master needs --backend spark");
  }

  @Test
  void localBackendIsTheDefaultSimulator() throws Exception {
    Cli r = simulate("--backend", "local");
    assertEquals(0, r.exit, r.toString());
    assertEquals(1, sim.spec.rounds());
  }
}
