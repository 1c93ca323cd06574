package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.strategy.registry.StrategyRegistry;
import org.junit.jupiter.api.Test;

class StrategyHelpTest {
  @Test
  void simulateAndServerHelpListEveryStrategyWithItsParameters() {
    for (String command : new String[] {"simulate", "server"}) {
      Cli h = Cli.run(new FakeSimulator(), command, "--help");
      assertEquals(0, h.exit, h.toString());
      String out = h.out;
      assertTrue(out.contains("Strategies (strategy.name; strategy.params = default, range: meaning):"), out);
      assertTrue(out.contains("  fedyogi: adaptive server optimizer (Reddi et al. 2021)"), out);
      assertTrue(out.contains("      eta = 0.01, > 0: server learning rate"), out);
      assertTrue(out.contains("      v0 = τ², >= 0: "), out);
      assertTrue(out.contains("      beta = 0.2, in [0, 0.5): "), out);
      assertTrue(out.contains("      f = 0, a whole number >= 0: "), out);
      assertTrue(out.contains("  fednova: normalised averaging (Wang et al. 2020); rho is training.momentum"), out);
      assertTrue(out.contains("  every strategy but scaffold also takes norm_bound = none, > 0: "), out);
      for (String name : StrategyRegistry.names()) assertTrue(out.contains("\n  " + name + ": "), name + " missing from " + command);
    }
  }
}
