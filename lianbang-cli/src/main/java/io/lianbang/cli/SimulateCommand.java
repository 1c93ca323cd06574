package io.lianbang.cli;

import io.lianbang.cli.config.ConfigKeys;
import io.lianbang.cli.config.ConfigLoader;
import java.util.List;
import java.util.Map;
import io.lianbang.cli.run.Simulator;
import io.lianbang.sim.backend.SimulationBackend;
import io.lianbang.cli.config.RunConfig;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lianbang simulate --config x.yaml}: a simulation described by a YAML file, with overrides. */
@Command(name = "simulate", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    sortOptions = false,
    customSynopsis = "lianbang simulate -c=FILE [OPTIONS]",
    description = {
      "Run a simulation described by a YAML file.",
      "",
      "Keys the file leaves out take the demo's values; --set assignments apply next and the flags "
          + "below last, so flags win.",
      ""
    })
final class SimulateCommand extends SimulationCommand {
  @Option(names = {"-c", "--config"}, order = 1, paramLabel = "FILE", required = true, description = "The YAML configuration.")
  Path config;

  @Option(names = "--dashboard", order = 44, paramLabel = "PORT",
      description = "Serve the live dashboard of this run on 127.0.0.1:PORT while it goes (0 picks a free one).")
  Integer dashboard;

  @Option(names = "--backend", order = 45, paramLabel = "NAME",
      description = "Where the clients train: local (the default: threads of this JVM) or spark (one Spark job per round; "
          + "needs the lianbang-spark module on the classpath, which the lianbang launcher adds for this flag).")
  String backend;

  @Option(names = "--master", order = 46, paramLabel = "URL",
      description = "With --backend spark: the Spark master, e.g. local[2] or spark://host:7077 (default: the one spark-submit "
          + "sets, else local[*]).")
  String master;

  /** The flags, each the assignment of one key of {@link io.lianbang.sim.spec.SimulationSpec}. */
  static final ConfigFlags FLAGS = new ConfigFlags(List.of(
      ConfigFlags.flag("--name", "name", String.class, "NAME", "Run name, used in the default output directory."),
      ConfigFlags.flag("--seed", "seed", Long.class, "N", "Run seed."),
      ConfigFlags.flag("--rounds", "rounds", Integer.class, "N", "Number of federated rounds."),
      ConfigFlags.flag("--threads", "threads", Integer.class, "N", "Worker threads training clients in parallel."),
      ConfigFlags.flag("--model", "model", String.class, "MODEL", "Model, e.g. mlp:784-200-200-10, lenet, logistic:30."),
      ConfigFlags.flag("--num-clients", "partition.num_clients", Integer.class, "N", "Number of clients."),
      ConfigFlags.flag("--partition", "partition.kind", String.class, "KIND", "iid, dirichlet, shards, quantity or sampled."),
      ConfigFlags.flag("--alpha", "partition.alpha", Double.class, "X", "Dirichlet concentration."),
      ConfigFlags.flag("--clients-per-round", "strategy.clients_per_round", Integer.class, "N", "Clients sampled each round."),
      ConfigFlags.flag("--local-epochs", "training.local_epochs", Integer.class, "N", "Local epochs."),
      ConfigFlags.flag("--batch-size", "training.batch_size", Integer.class, "N", "Local batch size."),
      ConfigFlags.flag("--optimizer", "training.optimizer", String.class, "NAME", "sgd or adam."),
      ConfigFlags.flag("--lr", "training.learning_rate", Double.class, "X", "Local learning rate."),
      ConfigFlags.flag("--momentum", "training.momentum", Double.class, "X", "Local SGD momentum."),
      ConfigFlags.flag("--weight-decay", "training.weight_decay", Double.class, "X", "Local L2 penalty."),
      ConfigFlags.flag("--data-dir", "dataset.dir", String.class, "DIR", "The directory holding the Fashion-MNIST IDX files."),
      ConfigFlags.flag("--store", "store.url", String.class, "URL", "JDBC URL of the run store the run is recorded in.")),
      ConfigKeys::simulate, "partition.alpha=0.1");

  SimulateCommand() {
    super(FLAGS);
  }

  @Override
  Integer dashboardPort() {
    return dashboard;
  }

  @Override
  Simulator simulator() {
    if (backend == null || backend.equals(SimulationBackend.DEFAULT)) {
      if (master != null) throw new CliException("--master needs --backend spark");
      return super.simulator();
    }
    SimulationBackend b;
    try {
      b = SimulationBackend.named(backend);
    } catch (IllegalArgumentException e) {
      throw new CliException("--backend: " + e.getMessage());
    }
    return Simulator.on(b, master == null ? Map.of() : Map.of("spark.master", master));
  }

  @Override
  RunConfig config(List<String> assignments) {
    return ConfigLoader.load(config, assignments);
  }
}
