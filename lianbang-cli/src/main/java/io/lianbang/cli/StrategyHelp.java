package io.lianbang.cli;

import io.lianbang.core.strategy.registry.StrategyParameter;
import io.lianbang.core.strategy.registry.StrategyRegistry;
import io.lianbang.core.strategy.registry.StrategyType;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.UsageMessageSpec;

/** The strategies section of {@code simulate --help} and {@code server --help}, read from the {@link StrategyRegistry}. */
final class StrategyHelp {
  private StrategyHelp() {}

  /** Adds the strategies, their papers and {@code strategy.params} (default, range, meaning) as the usage footer. */
  static void addTo(UsageMessageSpec usage) {
    usage.footerHeading("%nStrategies (strategy.name; strategy.params = default, range: meaning):%n");
    usage.footer(lines().stream().map(l -> l.replace("%", "%%")).toArray(String[]::new));
  }

  /** One line per strategy and one per parameter, then the strategies that take {@code norm_bound}. */
  static List<String> lines() {
    List<String> lines = new ArrayList<>();
    List<String> withoutBound = new ArrayList<>();
    for (StrategyType t : StrategyRegistry.types()) {
      lines.add("  " + t.name() + ": " + t.algorithm() + " (" + t.paper() + ")" + (t.notes().isEmpty() ? "" : "; " + t.notes()));
      for (StrategyParameter p : t.parameters()) lines.add("      " + parameter(p));
      if (!t.normBound()) withoutBound.add(t.name());
    }
    lines.add("  every strategy" + (withoutBound.isEmpty() ? "" : " but " + String.join(", ", withoutBound)) + " also takes "
        + parameter(StrategyRegistry.NORM_BOUND));
    return lines;
  }

  private static String parameter(StrategyParameter p) {
    return p.name() + " = " + p.defaultText() + ", " + p.range().text() + ": " + p.description();
  }
}
