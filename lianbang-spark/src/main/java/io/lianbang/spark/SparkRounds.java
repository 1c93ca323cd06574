package io.lianbang.spark;

import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.Deadlines;
import io.lianbang.core.compress.Transfer;
import io.lianbang.core.federation.ClientPool;
import io.lianbang.core.federation.StaticClientPool;
import io.lianbang.core.strategy.ClientInstruction;
import io.lianbang.core.strategy.RoundContext;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.sim.Simulation;
import io.lianbang.sim.backend.RemoteTraining;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;

/**
 * The driver side of a simulation on Spark. The clients' training data is one RDD of
 * {@link ClientShard}s (client id and examples), shipped to the executors once, before the first
 * round, and kept in their block stores (memory, spilling to local disk) as a local checkpoint: an
 * executor lost during the run loses its clients' data and fails the run. Each round is one Spark job: the global model and the sampled clients' tasks (seed and
 * configuration, as the federation made them) are broadcast, every partition trains its sampled
 * clients and sums their updates exactly ({@link ExecutorTraining}), and the partial sums are
 * combined with {@code treeReduce}, so only one sum per partition and the clients' example counts
 * and metrics travel back to the driver, never an individual update.
 *
 * <p>The federation's round loop is unchanged: it samples, sends one fit task per client through
 * {@link DeferredClientProxy}, and waits with its deadline. The job starts when the round's last
 * sampled client's task has been submitted; when it ends, each client's future completes with a
 * receipt, a {@link FitResult} whose parameters are the round's start model (the federation checks
 * their layout only; the real update was checked on the executor), or fails with the reason the
 * executor rejected it. If the round's deadline passes first, the futures time out and the job is
 * cancelled.
 */
final class SparkRounds implements RemoteTraining, AutoCloseable {
  private static final String GROUP = "lianbang-round-";
  private final JavaSparkContext sc;
  private final String model;
  private final JavaRDD<ClientShard> shards;
  private final ExecutorService jobs = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "lianbang-spark-rounds");
    t.setDaemon(true);
    return t;
  });
  private final Object lock = new Object();
  private Round current; // guarded by lock

  /** One round: its sampled clients, their tasks and futures, and the merged result. */
  private static final class Round {
    final int round;
    final Parameters start;
    final Set<String> sampled = new HashSet<>();
    final TreeMap<String, RoundTasks.Task> tasks = new TreeMap<>();
    final Map<String, CompletableFuture<FitResult>> futures = new HashMap<>();
    volatile PartialRound result;

    Round(RoundContext context) {
      this.round = context.round();
      this.start = context.global();
      for (ClientInstruction in : context.instructions()) sampled.add(in.clientId());
    }
  }

  /**
   * Ships the training data of every client of {@code simulation} to an RDD of {@code settings}'
   * number of partitions, kept in the executors (see the class comment).
   */
  SparkRounds(JavaSparkContext sc, Simulation simulation, SparkSettings settings) {
    this.sc = sc;
    this.model = simulation.spec().model();
    List<String> ids = simulation.clientIds();
    List<ClientShard> list = new ArrayList<>(ids.size());
    for (int c = 0; c < ids.size(); c++) {
      list.add(ClientShard.of(ids.get(c), simulation.partition().subset(simulation.data().train(), c)));
    }
    int slices = settings.partitions() > 0 ? settings.partitions() : sc.defaultParallelism();
    // Materialised once into the executors' block stores and cut from its lineage: later rounds'
    // tasks then carry no data (a parallelized collection's tasks would carry their slice each time).
    JavaRDD<ClientShard> rdd = sc.parallelize(list, Math.max(1, Math.min(slices, list.size())))
        .persist(StorageLevel.MEMORY_AND_DISK());
    rdd.rdd().localCheckpoint();
    rdd.count();
    this.shards = rdd;
  }

  @Override
  public ClientPool clients(List<String> clientIds) {
    List<ClientProxy> proxies = new ArrayList<>(clientIds.size());
    for (String id : clientIds) proxies.add(new DeferredClientProxy(id, this));
    return new StaticClientPool(proxies);
  }

  /** @throws IllegalArgumentException naming {@code strategy.name} unless it is FedAvg or FedProx */
  @Override
  public Strategy strategy(Strategy strategy) {
    return new MergedFedAvg(strategy, this);
  }

  /** Starts a round: {@code context}'s instructions are the clients whose tasks {@link #submit} will receive. */
  void begin(RoundContext context) {
    synchronized (lock) {
      current = new Round(context);
    }
  }

  /**
   * Hands client {@code id}'s task to the current round; the round's job starts with the last
   * sampled client's task.
   *
   * @return the client's receipt, which fails with a {@link TimeoutException} if the job has not
   *     finished by {@code deadline}
   * @throws IllegalStateException if the task is not one of the current round's, asks for
   *     compression, or does not start from the round's global model
   */
  CompletableFuture<FitResult> submit(String id, FitTask task, Instant deadline) {
    Transfer transfer = task.transfer();
    if (transfer != null && (transfer.uplink() != null || transfer.download() != null)) {
      throw new IllegalStateException("backend spark does not compress updates (compression must be none)");
    }
    Round r;
    CompletableFuture<FitResult> f = new CompletableFuture<>();
    boolean launch;
    synchronized (lock) {
      r = current;
      if (r == null || r.round != task.round() || !r.sampled.contains(id)) {
        throw new IllegalStateException("client " + id + " was not sampled in round " + task.round());
      }
      if (task.parameters() != r.start) {
        throw new IllegalStateException("backend spark trains every client from the round's global model; client " + id + " got other parameters");
      }
      if (r.futures.putIfAbsent(id, f) != null) throw new IllegalStateException("client " + id + " got two tasks in round " + r.round);
      r.tasks.put(id, RoundTasks.Task.of(task.seed(), task.config()));
      launch = r.futures.size() == r.sampled.size();
    }
    f.orTimeout(Deadlines.nanosLeft(deadline), TimeUnit.NANOSECONDS).whenComplete((v, e) -> {
      if (e instanceof TimeoutException) sc.cancelJobGroup(GROUP + r.round);
    });
    if (launch) jobs.execute(() -> train(r));
    return f;
  }

  /** Runs round {@code r}'s job and completes its futures. */
  private void train(Round r) {
    Broadcast<RoundTasks> tasks = sc.broadcast(new RoundTasks(r.round, model, RoundTasks.shapesOf(r.start), r.start.flatten(), r.tasks));
    try {
      sc.setJobGroup(GROUP + r.round, "lianbang round " + r.round + ": " + r.tasks.size() + " clients", true);
      PartialRound merged = shards.mapPartitions(new ExecutorTraining(tasks)).treeReduce(new Merge(RoundTasks.shapesOf(r.start)));
      r.result = merged;
      r.futures.forEach((id, f) -> {
        PartialRound.ClientOutcome o = merged.outcomes().get(id);
        if (o == null) {
          f.completeExceptionally(new IllegalStateException("client " + id + " is in no partition of the Spark dataset"));
        } else if (o.error() != null) {
          f.completeExceptionally(new IllegalArgumentException(o.error()));
        } else {
          f.complete(new FitResult(r.start, o.examples(), Metrics.of(o.metrics())));
        }
      });
    } catch (RuntimeException | Error e) {
      r.futures.values().forEach(f -> f.completeExceptionally(e));
    } finally {
      sc.clearJobGroup();
      tasks.destroy();
    }
  }

  /** Round {@code round}'s merged partial sum, or null if its job has not finished or was another round's. */
  PartialRound result(int round) {
    synchronized (lock) {
      return current != null && current.round == round ? current.result : null;
    }
  }

  /** Stops the job thread (cancelling a running job) and drops the cached data. */
  @Override
  public void close() {
    jobs.shutdownNow();
    sc.cancelAllJobs();
    shards.unpersist(false);
  }

  /** Merges two partial rounds. */
  private record Merge(int[][] shapes) implements Function2<PartialRound, PartialRound, PartialRound> {
    @Override
    public PartialRound call(PartialRound a, PartialRound b) {
      return a.merge(b, java.util.Arrays.asList(shapes));
    }
  }
}
