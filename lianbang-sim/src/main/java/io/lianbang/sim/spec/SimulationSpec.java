package io.lianbang.sim.spec;

import io.lianbang.core.check.Require;
import io.lianbang.core.text.Abbreviation;
import io.lianbang.engine.nn.OptimizerType;
import java.util.Map;
import java.util.Objects;

/**
 * A complete, validated description of a simulated federation. Every field is checked on
 * construction and errors name the field by its YAML path and the offending value.
 *
 * @param name a short name for the run, used in output file names
 * @param seed the run seed: partitioning, initialisation, sampling and local shuffling derive from it
 * @param rounds number of federated rounds, at least 1
 * @param threads worker threads that train clients in parallel, at least 1; results do not
 *     depend on it
 * @param model the model, e.g. {@code mlp:784-200-200-10}, {@code lenet}, {@code logistic:30}
 * @param dataset the data
 * @param partition how the data is split among clients
 * @param strategy the server's algorithm
 * @param training local training settings
 * @param evaluateEvery centralized evaluation on the test set every this many rounds (the last
 *     round always), at least 1
 * @param privacy secure aggregation and differential privacy
 * @param attack malicious clients, {@link AttackSpec#none()} for none
 * @param compression how models and updates travel, {@link CompressionSpec#none()} for float32
 * @param async asynchronous FedBuff instead of synchronous rounds, {@link AsyncSpec#off()} for rounds
 * @param latency the simulated straggler model, {@link LatencySpec#none()} for none
 */
public record SimulationSpec(
    String name, long seed, int rounds, int threads, String model,
    DatasetSpec dataset, PartitionSpec partition, StrategySpec strategy, TrainingSpec training, int evaluateEvery,
    PrivacySpec privacy, AttackSpec attack, CompressionSpec compression, AsyncSpec async, LatencySpec latency) {

  public SimulationSpec {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("name must use only letters, digits, '.', '_' and '-', got " + Abbreviation.abbreviate(name));
    }
    Require.atLeast("rounds", rounds, 1);
    Require.atLeast("threads", threads, 1);
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(partition, "partition");
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(training, "training");
    Require.atLeast("evaluate_every", evaluateEvery, 1);
    Objects.requireNonNull(privacy, "privacy");
    Objects.requireNonNull(attack, "attack");
    Objects.requireNonNull(compression, "compression");
    io.lianbang.sim.CompressionWiring.requireCompatible(compression, privacy);
    async = async == null ? AsyncSpec.off() : async;
    latency = latency == null ? LatencySpec.none() : latency;
    if (async.enabled()) requireAsyncCompatible(async, latency, partition, privacy, attack, compression, training);
    if (strategy.clientsPerRound() > partition.numClients()) {
      throw new IllegalArgumentException("strategy.clients_per_round must not exceed partition.num_clients ("
          + partition.numClients() + "), got " + strategy.clientsPerRound());
    }
    if (strategy.evaluateClientsPerRound() > partition.numClients()) {
      throw new IllegalArgumentException("strategy.evaluate_clients_per_round must not exceed partition.num_clients ("
          + partition.numClients() + "), got " + strategy.evaluateClientsPerRound());
    }
  }

  /** A synchronous simulation without a latency model. */
  public SimulationSpec(
      String name, long seed, int rounds, int threads, String model,
      DatasetSpec dataset, PartitionSpec partition, StrategySpec strategy, TrainingSpec training, int evaluateEvery,
      PrivacySpec privacy, AttackSpec attack, CompressionSpec compression) {
    this(name, seed, rounds, threads, model, dataset, partition, strategy, training, evaluateEvery, privacy, attack, compression,
        AsyncSpec.off(), LatencySpec.none());
  }

  /** FedBuff runs plain local training: the mechanisms that assume synchronous rounds are refused. */
  private static void requireAsyncCompatible(AsyncSpec async, LatencySpec latency, PartitionSpec partition, PrivacySpec privacy,
      AttackSpec attack, CompressionSpec compression, TrainingSpec training) {
    if (async.concurrency() > partition.numClients()) {
      throw new IllegalArgumentException("async.concurrency must not exceed partition.num_clients (" + partition.numClients()
          + "), got " + async.concurrency());
    }
    if (!latency.active()) throw new IllegalArgumentException("async.enabled needs a latency model, got latency.kind none");
    if (privacy.any()) {
      throw new IllegalArgumentException("async.enabled does not support privacy mechanisms yet (privacy.secagg, privacy.paillier, privacy.dp)");
    }
    if (attack.active()) throw new IllegalArgumentException("async.enabled does not support attack.kind " + attack.kind() + " yet");
    if (compression.active()) {
      throw new IllegalArgumentException("async.enabled does not support compression yet (compression.uplink.codec "
          + compression.uplink().codec() + ", compression.downlink.codec " + compression.downlink().codec() + ")");
    }
    if (training.heterogeneous()) {
      throw new IllegalArgumentException("async.enabled does not support training.local_epochs_max " + training.localEpochsMax() + " yet");
    }
  }

  /** A simulation without privacy mechanisms. */
  public SimulationSpec(
      String name, long seed, int rounds, int threads, String model,
      DatasetSpec dataset, PartitionSpec partition, StrategySpec strategy, TrainingSpec training, int evaluateEvery) {
    this(name, seed, rounds, threads, model, dataset, partition, strategy, training, evaluateEvery, PrivacySpec.none(),
        AttackSpec.none(), CompressionSpec.none());
  }

  /** A simulation without malicious clients. */
  public SimulationSpec(
      String name, long seed, int rounds, int threads, String model,
      DatasetSpec dataset, PartitionSpec partition, StrategySpec strategy, TrainingSpec training, int evaluateEvery,
      PrivacySpec privacy) {
    this(name, seed, rounds, threads, model, dataset, partition, strategy, training, evaluateEvery, privacy, AttackSpec.none(),
        CompressionSpec.none());
  }

  /** A simulation without compression. */
  public SimulationSpec(
      String name, long seed, int rounds, int threads, String model,
      DatasetSpec dataset, PartitionSpec partition, StrategySpec strategy, TrainingSpec training, int evaluateEvery,
      PrivacySpec privacy, AttackSpec attack) {
    this(name, seed, rounds, threads, model, dataset, partition, strategy, training, evaluateEvery, privacy, attack,
        CompressionSpec.none());
  }

  /** The same simulation with {@code privacy}. */
  public SimulationSpec withPrivacy(PrivacySpec privacy) {
    return new SimulationSpec(name, seed, rounds, threads, model, dataset, partition, strategy, training, evaluateEvery, privacy, attack,
        compression, async, latency);
  }

  /** The same simulation with {@code attack}. */
  public SimulationSpec withAttack(AttackSpec attack) {
    return new SimulationSpec(name, seed, rounds, threads, model, dataset, partition, strategy, training, evaluateEvery, privacy, attack,
        compression, async, latency);
  }

  /** The same simulation with {@code compression}. */
  public SimulationSpec withCompression(CompressionSpec compression) {
    return new SimulationSpec(name, seed, rounds, threads, model, dataset, partition, strategy, training, evaluateEvery, privacy, attack,
        compression, async, latency);
  }

  /** The same simulation with {@code async}. */
  public SimulationSpec withAsync(AsyncSpec async) {
    return new SimulationSpec(name, seed, rounds, threads, model, dataset, partition, strategy, training, evaluateEvery, privacy, attack,
        compression, async, latency);
  }

  /** The same simulation with {@code latency}. */
  public SimulationSpec withLatency(LatencySpec latency) {
    return new SimulationSpec(name, seed, rounds, threads, model, dataset, partition, strategy, training, evaluateEvery, privacy, attack,
        compression, async, latency);
  }

  /**
   * The flagship demo: 100 clients on Fashion-MNIST with Dirichlet(0.5) label skew, 10 per round,
   * one local epoch of SGD (lr 0.05, batch 10) on an MLP 784-200-200-10, 50 rounds.
   */
  public static SimulationSpec demo() {
    return new SimulationSpec("demo", 42, 50, Math.max(1, Runtime.getRuntime().availableProcessors()), "mlp:784-200-200-10",
        DatasetSpec.fashionMnist(),
        new PartitionSpec(PartitionKind.DIRICHLET, 100, 0.5, 2, 10),
        new StrategySpec("fedavg", 10, 0, 0.5, 600, Map.of()),
        new TrainingSpec(1, 10, OptimizerType.SGD, 0.05, 0.0, 0.0),
        1);
  }
}
