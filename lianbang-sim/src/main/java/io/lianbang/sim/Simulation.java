package io.lianbang.sim;

import io.lianbang.core.client.Client;
import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.LocalClientProxy;
import io.lianbang.core.compress.CompressingClientProxy;
import io.lianbang.core.compress.Compression;
import io.lianbang.core.federation.ClientPool;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RoundListener;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.federation.StaticClientPool;
import io.lianbang.core.random.Seeds;
import io.lianbang.core.strategy.Scaffold;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.text.Abbreviation;
import io.lianbang.engine.client.EngineClient;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.data.Partition;
import io.lianbang.engine.data.Standardizer;
import io.lianbang.engine.data.TrainTest;
import io.lianbang.engine.kernel.Kernels;
import io.lianbang.engine.nn.Evaluation;
import io.lianbang.engine.nn.Init;
import io.lianbang.engine.nn.Model;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.engine.nn.Models;
import io.lianbang.sim.async.AsyncSimulation;
import io.lianbang.sim.attack.Attackers;
import io.lianbang.sim.attack.LabelFlip;
import io.lianbang.sim.attack.ModelPoisoningClient;
import io.lianbang.sim.backend.RemoteTraining;
import io.lianbang.sim.latency.LatencyModel;
import io.lianbang.sim.latency.RoundClock;
import io.lianbang.sim.spec.AttackKind;
import io.lianbang.sim.spec.AttackSpec;
import io.lianbang.sim.spec.PartitionKind;
import io.lianbang.sim.spec.Seconds;
import io.lianbang.sim.spec.SimulationSpec;
import io.lianbang.sim.spec.TrainingSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A federation of many virtual clients in one JVM, built from a {@link SimulationSpec}: the
 * training set is partitioned among {@code partition.num_clients} {@link EngineClient}s, the
 * server runs the configured strategy with the test set as centralized evaluation, and clients
 * train in parallel on {@code threads} worker threads (one client per thread, each
 * single-threaded inside). Results are bit-identical for any number of threads.
 *
 * <p>{@link #prepare} loads and partitions the data; {@link #run} trains.
 */
public final class Simulation {
  private final SimulationSpec spec;
  private final ModelSpec model;
  private final TrainTest data;
  private final Standardizer scaler;
  private final Partition partition;

  private Simulation(SimulationSpec spec, ModelSpec model, TrainTest data, Standardizer scaler, Partition partition) {
    this.spec = spec;
    this.model = model;
    this.data = data;
    this.scaler = scaler;
    this.partition = partition;
  }

  /**
   * Loads the dataset and partitions it among the clients.
   *
   * @throws IllegalArgumentException naming the field and value if the data cannot be found, the
   *     model is unknown or does not fit the data, or the data cannot be partitioned as asked
   */
  public static Simulation prepare(SimulationSpec spec) {
    ModelSpec model;
    try {
      model = ModelSpec.parse(spec.model());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("model " + Abbreviation.abbreviate(spec.model()) + ": " + e.getMessage(), e);
    }
    StrategyFactory.requireCompatible(StrategyFactory.create(spec.strategy(), spec.training(), Config.empty(), (round, p) -> null, 1),
        spec.privacy()); // validates params and the combination
    if (spec.attack().kind() == AttackKind.LABEL_FLIP && spec.model().startsWith("linear")) {
      throw new IllegalArgumentException("attack.kind label_flip needs a classification model, got " + spec.model());
    }
    TrainTest raw = SimulationData.load(spec.dataset(), spec.seed());
    Standardizer scaler = SimulationData.scaler(spec.dataset(), raw);
    TrainTest data = scaler == null ? raw : scaler.transform(raw);
    try {
      Models.create(model, Init.PYTORCH_DEFAULT, 0).evaluate(data.test().subset(new int[] {0}));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("model " + spec.model() + " does not fit dataset " + spec.dataset().name()
          + " (" + data.train() + "): " + e.getMessage(), e);
    }
    requireResidualsFit(spec, Models.create(model, Init.PYTORCH_DEFAULT, 0).parameters().elementCount());
    if (spec.partition().kind() != PartitionKind.SAMPLED && spec.partition().numClients() > data.train().size()) {
      throw new IllegalArgumentException("partition.num_clients must not exceed the " + data.train().size()
          + " training examples, got " + spec.partition().numClients());
    }
    Partition partition;
    try {
      partition = SimulationData.partitioner(spec.partition()).partition(data.train(), Seeds.derive(spec.seed(), "partition"));
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IllegalArgumentException("partition (" + spec.partition().kind() + "): " + e.getMessage(), e);
    }
    return new Simulation(spec, model, data, scaler, partition);
  }

  /**
   * Error feedback keeps a residual of the whole model per client that has trained, two float32
   * values (8 bytes) per value: refuses a simulation whose residuals could take more than half the heap.
   */
  private static void requireResidualsFit(SimulationSpec spec, long modelValues) {
    if (!spec.compression().uplink().errorFeedback()) return;
    int clients = spec.partition().numClients();
    long bytes = 8L * modelValues * clients;
    long budget = Runtime.getRuntime().maxMemory() / 2;
    if (bytes > budget) {
      throw new IllegalArgumentException("compression.uplink.error_feedback keeps a residual of the model (" + modelValues
          + " values, 8 bytes each) for each of partition.num_clients " + clients + ": up to " + (bytes >> 20) + " MiB, more than half the heap ("
          + (budget >> 20) + " MiB); use fewer clients, a larger heap (-Xmx) or no error feedback");
    }
  }

  /** What runs. */
  public SimulationSpec spec() {
    return spec;
  }

  /** The training and test data (before partitioning). */
  public TrainTest data() {
    return data;
  }

  /**
   * The feature scaler {@code dataset.normalize} fitted on the raw training data, which
   * {@link #data()} went through; null for {@code none}. A model trained here expects its inputs
   * scaled with it.
   */
  public Standardizer scaler() {
    return scaler;
  }

  /** How the training data is split among the clients. */
  public Partition partition() {
    return partition;
  }

  /** A per-client label histogram summary of the partition, for printing. */
  public String partitionSummary() {
    return partition.summary(data.train()).render(5);
  }

  /** The name of the kernels that train ({@code vector(...)} or {@code scalar}). */
  public static String kernels() {
    return Kernels.get().name();
  }

  /**
   * Runs every round, reporting progress to {@code listeners}; with {@code async.enabled}, runs
   * FedBuff instead ({@link AsyncSimulation}). With a {@code latency} model, each round's record
   * carries its simulated end time ({@link RoundClock}).
   */
  public SimulationResult run(List<RoundListener> listeners) throws InterruptedException {
    return run(listeners, null);
  }

  /**
   * Runs every round with the clients trained by {@code remote} (a backend outside this JVM's
   * worker threads), or on this JVM's worker threads if it is null. A remote backend supports
   * neither {@code async} nor {@code latency}.
   */
  public SimulationResult run(List<RoundListener> listeners, RemoteTraining remote) throws InterruptedException {
    return run(listeners, remote, true);
  }

  /** As {@link #run(List, RemoteTraining)}; {@code lazy} false builds every client up front (for tests). */
  SimulationResult run(List<RoundListener> listeners, RemoteTraining remote, boolean lazy) throws InterruptedException {
    if (remote != null && (spec.async().enabled() || spec.latency().active())) {
      throw new IllegalArgumentException("async.enabled and latency.kind need the local backend");
    }
    if (spec.async().enabled()) return new AsyncSimulation(this).run(listeners);
    RoundClock clock = spec.latency().active() ? new RoundClock(new LatencyModel(spec.latency(), spec.seed())) : null;
    if (clock != null) listeners = List.of(clock.listener(listeners));
    long start = System.nanoTime();
    ExecutorService workers = Executors.newFixedThreadPool(spec.threads(), daemonThreads());
    try {
      ClientIds ids = new ClientIds(partition.numClients());
      PrivacyWiring privacy = new PrivacyWiring(spec.privacy(), spec.seed(),
          CompressionWiring.secAggModulusBits(spec.compression(), spec.privacy(), spec.strategy().clientsPerRound()));
      Compression compression = CompressionWiring.compression(spec.compression(), spec.privacy());
      AttackSpec attack = spec.attack();
      BitSet malicious = attack.active() ? Attackers.choose(partition.numClients(), attack.fraction(), spec.seed()) : new BitSet();
      IntFunction<Client> clients = c -> client(c, malicious.get(c), clock);
      ClientPool pool;
      if (remote != null) {
        pool = remote.clients(clientIds());
      } else if (lazy && lazyClients(compression)) {
        pool = new LazyClientPool(ids, c -> new LocalClientProxy(ids.get(c), new DeferredClient(() -> clients.apply(c)), workers));
      } else {
        List<ClientProxy> proxies = new ArrayList<>();
        for (int c = 0; c < partition.numClients(); c++) {
          String id = ids.get(c);
          ClientProxy proxy = new LocalClientProxy(id, privacy.client(id, c, clients.apply(c)), workers);
          proxies.add(compression.uplink() == null ? proxy : new CompressingClientProxy(proxy));
        }
        pool = new StaticClientPool(proxies);
      }
      Model initial = Models.create(model, Init.PYTORCH_DEFAULT, Seeds.derive(spec.seed(), "init"));
      Duration roundTimeout = Seconds.of("strategy.round_timeout_seconds", spec.strategy().roundTimeoutSeconds());
      FederationConfig config = new FederationConfig(spec.rounds(), spec.seed(), roundTimeout, roundTimeout, Duration.ofMinutes(1),
          spec.strategy().quorum(), spec.evaluateEvery()).withCompression(compression);
      Strategy strategy = privacy.strategy(strategy(), workers);
      if (remote != null) strategy = remote.strategy(strategy);
      RunResult run = new Federation(strategy, pool, config, listeners).run(initial.parameters());
      if (clock != null) run = new RunResult(run.parameters(), clock.annotate(run.history()));
      return new SimulationResult(spec, run, kernels(), (System.nanoTime() - start) / 1e9, privacy.report());
    } finally {
      workers.shutdownNow();
    }
  }

  /**
   * The clients' ids: client {@code i} of the {@link #partition()} has id {@code clientIds().get(i)}
   * ({@code client-i}, zero-padded to one width).
   */
  public List<String> clientIds() {
    return List.copyOf(new ClientIds(partition.numClients()));
  }

  /**
   * Whether clients can be built when sampled and dropped after their task (a
   * {@link LazyClientPool}) instead of all up front: only if no client keeps state across rounds,
   * that is without privacy mechanisms (their wiring keeps per-client protocol state and
   * counters), without uplink compression (error-feedback residuals) and without SCAFFOLD (client
   * control variates).
   */
  private boolean lazyClients(Compression compression) {
    return !spec.privacy().any() && compression.uplink() == null && !spec.strategy().name().equals(Scaffold.CONFIG_KEY);
  }

  /** Client {@code c} before privacy wiring: its engine client with its data, attack and latency. */
  private Client client(int c, boolean bad, RoundClock clock) {
    Dataset local = partition.subset(data.train(), c);
    AttackSpec attack = spec.attack();
    TrainingSpec t = spec.training();
    Client client = new EngineClient(model, bad && attack.kind() == AttackKind.LABEL_FLIP ? LabelFlip.flip(local) : local, local, 1);
    if (clock != null) client = clock.timed(client, c);
    if (t.heterogeneous()) client = new VariableLocalWork(client, t.localEpochs(), t.localEpochsMax());
    if (bad) client = poisoned(client, attack);
    return client;
  }

  private static Client poisoned(Client honest, AttackSpec a) {
    return switch (a.kind()) {
      case SIGN_FLIP -> new ModelPoisoningClient(honest, ModelPoisoningClient.Kind.SIGN_FLIP, a.scale(), 0);
      case SCALING -> new ModelPoisoningClient(honest, ModelPoisoningClient.Kind.SCALING, a.scale(), 0);
      case GAUSSIAN_NOISE -> new ModelPoisoningClient(honest, ModelPoisoningClient.Kind.GAUSSIAN_NOISE, 1, a.noiseStd());
      default -> honest; // label_flip poisons the data, not the update
    };
  }

  /** The indices of the malicious clients (empty without an attack). */
  public BitSet maliciousClients() {
    return spec.attack().active() ? Attackers.choose(partition.numClients(), spec.attack().fraction(), spec.seed()) : new BitSet();
  }

  private Strategy strategy() {
    TrainingSpec t = spec.training();
    Config fit = EngineClient.fitConfig(t.localEpochs(), t.batchSize(), t.optimizer(), t.learningRate(), t.momentum(), t.weightDecay());
    Model evaluator = Models.create(model, Init.PYTORCH_DEFAULT, 0).threads(spec.threads());
    Dataset test = data.test();
    return StrategyFactory.create(spec.strategy(), t, fit, (round, parameters) -> {
      evaluator.load(parameters);
      Evaluation e = evaluator.evaluate(test);
      Metrics m = test.isClassification() ? Metrics.of("accuracy", e.accuracy()) : Metrics.empty();
      return new EvalResult(e.meanLoss(), e.count(), m);
    }, spec.threads(), spec.threads());
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "lianbang-client-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
