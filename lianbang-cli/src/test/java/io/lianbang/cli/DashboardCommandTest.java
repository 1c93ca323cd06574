package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.cli.run.Simulator;
import org.junit.jupiter.api.Test;

/** {@code lianbang dashboard}'s refusals: each names the flag and the value, and nothing is served. */
class DashboardCommandTest {
  @Test
  void anAddressOffLoopbackNeedsAToken() {
    Cli r = Cli.run(Simulator.standard(), "dashboard", "--address", "0.0.0.0", "--port", "0");
    assertEquals(Main.USAGE, r.exit, r.toString());
    assertTrue(r.err.contains("--address: address 0.0.0.0 is not a loopback address") && r.err.contains("--token"), r.err);
  }

  @Test
  void aShortTokenIsRefusedWithoutEchoingIt() {
    Cli r = Cli.run(Simulator.standard(), "dashboard", "--port", "0", "--token", "tooshort");
    assertEquals(Main.USAGE, r.exit, r.toString());
    assertTrue(r.err.contains("--token has 8 characters; at least 16"), r.err);
    assertFalse(r.err.contains("tooshort"), r.err);
  }

  @Test
  void aPortOutOfRangeIsNamed() {
    Cli r = Cli.run(Simulator.standard(), "dashboard", "--port", "70000");
    assertEquals(Main.USAGE, r.exit, r.toString());
    assertTrue(r.err.contains("--port 70000 is not a port"), r.err);
  }

  @Test
  void simulateNamesABadDashboardPort() {
    Cli r = Cli.run(Simulator.standard(), "simulate", "--config", "../examples/breast-cancer-logistic.yaml", "--no-store",
        "--dashboard", "-1");
    assertEquals(Main.USAGE, r.exit, r.toString());
    assertTrue(r.err.contains("--dashboard -1 is not a port"), r.err);
  }
}
