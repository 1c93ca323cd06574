package io.lianbang.cli;

import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.cli.config.RunConfig;
import io.lianbang.sim.spec.SimulationSpec;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lianbang demo}: the flagship demo, {@link SimulationSpec#demo()}. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false,
    description = {
      "Run the flagship demo: Fashion-MNIST over 100 clients, 50 rounds.",
      "",
      "100 clients with Dirichlet(0.5) label skew, 10 sampled per round, one local epoch of SGD "
          + "(lr 0.05, batch 10) on an MLP 784-200-200-10, 50 rounds, seed 42. "
          + "Same as: lianbang simulate --config examples/demo.yaml",
      ""
    })
final class DemoCommand extends SimulationCommand {
  @Option(names = "--rounds", order = 10, paramLabel = "N", description = "Number of rounds (default: 50).")
  Integer rounds;

  @Option(names = "--threads", order = 11, paramLabel = "N", description = "Worker threads (default: available processors).")
  Integer threads;

  @Option(names = "--seed", order = 12, paramLabel = "N", description = "Run seed (default: 42).")
  Long seed;

  @Option(names = "--data-dir", order = 13, paramLabel = "DIR",
      description = "Directory holding the Fashion-MNIST IDX files (default: search the standard places).")
  String dataDir;

  @Override
  RunConfig config() {
    List<String> a = new ArrayList<>();
    if (rounds != null) a.add(ConfigLoader.assignment("rounds", rounds));
    if (threads != null) a.add(ConfigLoader.assignment("threads", threads));
    if (seed != null) a.add(ConfigLoader.assignment("seed", seed));
    if (dataDir != null) a.add(ConfigLoader.assignment("dataset.dir", dataDir));
    return ConfigLoader.defaults(a);
  }
}
