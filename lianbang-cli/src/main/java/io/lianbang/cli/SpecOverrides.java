package io.lianbang.cli;

import io.lianbang.cli.config.ConfigLoader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Flags of {@code simulate} that override the configuration file. They apply after the file and
 * after {@code --set}, so they win over both.
 */
final class SpecOverrides {
  @Option(names = "--set", order = 3, paramLabel = "KEY=VALUE",
      description = "Override any configuration key by its YAML path, e.g. --set partition.alpha=0.1 (repeatable; applied before the flags below).")
  List<String> assignments = new ArrayList<>();

  @Option(names = "--name", order = 4, paramLabel = "NAME", description = "Run name, used in the default output directory.")
  String name;

  @Option(names = "--seed", order = 5, paramLabel = "N", description = "Run seed.")
  Long seed;

  @Option(names = "--rounds", order = 6, paramLabel = "N", description = "Number of federated rounds.")
  Integer rounds;

  @Option(names = "--threads", order = 7, paramLabel = "N", description = "Worker threads training clients in parallel.")
  Integer threads;

  @Option(names = "--model", order = 8, paramLabel = "MODEL", description = "Model, e.g. mlp:784-200-200-10, lenet, logistic:30.")
  String model;

  @Option(names = "--num-clients", order = 9, paramLabel = "N", description = "partition.num_clients")
  Integer numClients;

  @Option(names = "--partition", order = 10, paramLabel = "KIND", description = "partition.kind: iid, dirichlet, shards or quantity.")
  String partition;

  @Option(names = "--alpha", order = 11, paramLabel = "X", description = "partition.alpha (Dirichlet concentration).")
  Double alpha;

  @Option(names = "--clients-per-round", order = 12, paramLabel = "N", description = "strategy.clients_per_round")
  Integer clientsPerRound;

  @Option(names = "--local-epochs", order = 13, paramLabel = "N", description = "training.local_epochs")
  Integer localEpochs;

  @Option(names = "--batch-size", order = 14, paramLabel = "N", description = "training.batch_size")
  Integer batchSize;

  @Option(names = "--optimizer", order = 15, paramLabel = "NAME", description = "training.optimizer: sgd or adam.")
  String optimizer;

  @Option(names = "--lr", order = 16, paramLabel = "X", description = "training.learning_rate")
  Double learningRate;

  @Option(names = "--momentum", order = 17, paramLabel = "X", description = "training.momentum")
  Double momentum;

  @Option(names = "--weight-decay", order = 18, paramLabel = "X", description = "training.weight_decay")
  Double weightDecay;

  @Option(names = "--data-dir", order = 19, paramLabel = "DIR", description = "dataset.dir: the directory holding the Fashion-MNIST IDX files.")
  String dataDir;

  /**
   * The convenience flags by the YAML path each one sets: a flag is the assignment {@code
   * path=value}, applied after the {@code --set} assignments.
   */
  private Map<String, Object> flags() {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("name", name);
    f.put("seed", seed);
    f.put("rounds", rounds);
    f.put("threads", threads);
    f.put("model", model);
    f.put("partition.num_clients", numClients);
    f.put("partition.kind", partition);
    f.put("partition.alpha", alpha);
    f.put("strategy.clients_per_round", clientsPerRound);
    f.put("training.local_epochs", localEpochs);
    f.put("training.batch_size", batchSize);
    f.put("training.optimizer", optimizer);
    f.put("training.learning_rate", learningRate);
    f.put("training.momentum", momentum);
    f.put("training.weight_decay", weightDecay);
    f.put("dataset.dir", dataDir);
    return f;
  }

  /** The {@code --set} assignments followed by those of the flags that were given. */
  List<String> assignments() {
    List<String> all = new ArrayList<>(assignments);
    flags().forEach((path, value) -> {
      if (value != null) all.add(ConfigLoader.assignment(path, value));
    });
    return all;
  }
}
