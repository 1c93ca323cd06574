package io.lianbang.cli;

import io.lianbang.cli.config.RunConfig;
import java.util.ArrayList;
import java.util.List;
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

  /** Applies the flags that were given to {@code config}. */
  void applyTo(RunConfig config) {
    if (name != null) config.name = name;
    if (seed != null) config.seed = seed;
    if (rounds != null) config.rounds = rounds;
    if (threads != null) config.threads = threads;
    if (model != null) config.model = model;
    if (numClients != null) config.partition.numClients = numClients;
    if (partition != null) config.partition.kind = partition;
    if (alpha != null) config.partition.alpha = alpha;
    if (clientsPerRound != null) config.strategy.clientsPerRound = clientsPerRound;
    if (localEpochs != null) config.training.localEpochs = localEpochs;
    if (batchSize != null) config.training.batchSize = batchSize;
    if (optimizer != null) config.training.optimizer = optimizer;
    if (learningRate != null) config.training.learningRate = learningRate;
    if (momentum != null) config.training.momentum = momentum;
    if (weightDecay != null) config.training.weightDecay = weightDecay;
    if (dataDir != null) config.dataset.dir = dataDir;
  }
}
