package io.lianbang.cli;

import io.lianbang.cli.config.ConfigKeys;
import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.cli.config.RunConfig;
import io.lianbang.sim.spec.SimulationSpec;
import java.util.List;
import picocli.CommandLine.Command;

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
  /** The flags, each the assignment of one key of {@link SimulationSpec}; {@code --set} sets any other. */
  static final ConfigFlags FLAGS = new ConfigFlags(List.of(
      ConfigFlags.flag("--rounds", "rounds", Integer.class, "N", "Number of rounds (default: 50)."),
      ConfigFlags.flag("--threads", "threads", Integer.class, "N", "Worker threads (default: available processors)."),
      ConfigFlags.flag("--seed", "seed", Long.class, "N", "Run seed (default: 42)."),
      ConfigFlags.flag("--data-dir", "dataset.dir", String.class, "DIR",
          "Directory holding the Fashion-MNIST IDX files (default: search the standard places)."),
      ConfigFlags.flag("--store", "store.url", String.class, "URL", "JDBC URL of the run store the run is recorded in.")),
      ConfigKeys::simulate, "strategy.quorum=0.8");

  DemoCommand() {
    super(FLAGS);
  }

  @Override
  RunConfig config(List<String> assignments) {
    return ConfigLoader.defaults(assignments);
  }
}
