package io.lianbang.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code lianbang vertical}: vertical federated learning, one party per process ({@code psi},
 * {@code train}). Every party reads the same YAML file.
 */
@Command(name = "vertical", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    subcommands = {VerticalPsiCommand.class, VerticalTrainCommand.class},
    synopsisSubcommandLabel = "COMMAND",
    description = {
      "Vertical federated learning: parties hold different features of the same people. Run one process per party, each with "
          + "the same configuration file and its own --role (and --name if several parties share the role).",
      ""
    },
    commandListHeading = "%nCommands:%n",
    footerHeading = "%nExamples (three terminals):%n",
    footer = {
      "  lianbang certs --out certs --clients guest,host,arbiter",
      "  lianbang vertical train --role arbiter -c examples/vertical-credit.yaml",
      "  lianbang vertical train --role host -c examples/vertical-credit.yaml",
      "  lianbang vertical train --role guest -c examples/vertical-credit.yaml",
      "",
      "Exit codes: 0 success, 1 failure, 2 usage or configuration error, 3 a peer was lost",
      "or timed out (run every party again with the same command), 4 a peer broke the protocol."
    })
final class VerticalCommand implements Callable<Integer> {
  /** The flags of {@code vertical psi} and {@code vertical train}, each the assignment of one key of {@code VerticalSpec}. */
  static final ConfigFlags FLAGS = new ConfigFlags(List.of(
      ConfigFlags.flag("--algorithm", "algorithm", String.class, "NAME", "hetero_lr or secureboost (default: hetero_lr)."),
      ConfigFlags.flag("--output", "output.directory", String.class, "DIR", "Each party writes DIR/<party>/ (default: runs/vertical).")),
      io.lianbang.cli.config.ConfigKeys::vertical, "hetero_lr.max_iter=10");

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("lianbang: error: missing command (psi or train)");
    spec.commandLine().usage(spec.commandLine().getErr());
    return Main.USAGE;
  }
}
