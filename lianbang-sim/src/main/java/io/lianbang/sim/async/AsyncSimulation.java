package io.lianbang.sim.async;

import io.lianbang.core.aggregate.WeightedMetrics;
import io.lianbang.core.async.AsyncFederation;
import io.lianbang.core.async.FedBuff;
import io.lianbang.core.federation.History;
import io.lianbang.core.federation.RoundListener;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.random.Seeds;
import io.lianbang.core.random.SplitMix64;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.ParameterMath;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.engine.client.EngineClient;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.nn.Evaluation;
import io.lianbang.engine.nn.Init;
import io.lianbang.engine.nn.Model;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.engine.nn.Models;
import io.lianbang.sim.Simulation;
import io.lianbang.sim.SimulationResult;
import io.lianbang.sim.latency.LatencyModel;
import io.lianbang.sim.latency.RoundClock;
import io.lianbang.sim.spec.Seconds;
import io.lianbang.sim.spec.SimulationSpec;
import io.lianbang.sim.spec.TrainingSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;

/**
 * Asynchronous federated learning with buffered aggregation, FedBuff (Nguyen et al., "Federated
 * Learning with Buffered Asynchronous Aggregation", AISTATS 2022), simulated on a clock that is
 * not the wall clock.
 *
 * <p>Up to {@code async.concurrency} clients train at once. A client starts from the global model
 * current at its start, and its task ends {@link LatencyModel#taskSeconds} simulated seconds later.
 * Completions are kept in a priority queue ordered by simulated time, ties by client index. The
 * loop takes every completion of the earliest instant in that order and submits each update
 * {@code Δ = x_local − x_start} to {@link FedBuff} (which drops the too stale and applies the
 * buffer every {@code K} updates); only then does it fill the free slots, each with a client drawn
 * uniformly from the idle ones by a generator seeded from the run seed. Training runs on
 * {@code threads} worker threads as soon as a task starts, since its input is fixed then; the
 * results are applied in simulated-time order, so the run is bit-identical for any thread count.
 *
 * <p>Each server update is one {@link RoundRecord}: {@code round} is the new version,
 * {@code sampled} the updates that arrived since the last one (dropped included), {@code succeeded}
 * those buffered, and the fit metrics hold {@value RoundClock#METRIC} (the simulated time of the
 * update), {@code dropped_stale} (updates dropped since the last update), {@code mean_staleness}
 * of the buffered ones and their example-weighted {@code train_loss}. Centralized evaluation on the
 * test set runs every {@code evaluate_every} updates and after the last; round 0 evaluates the
 * initial model.
 *
 * <p>Task {@code k} (from 1) of client {@code c} trains with the seed
 * {@code Seeds.derive(seed, "fit:" + id, k)} and lasts {@code taskSeconds(c, k)}: with
 * {@code K = concurrency = clients} and no latency variance every client trains once per version,
 * as synchronous FedAvg with every client in every round would.
 */
public final class AsyncSimulation {
  private final Simulation sim;
  private final SimulationSpec spec;

  /** Told the index of each client built, for tests. */
  private final IntConsumer built;

  /** A FedBuff run of the prepared {@code sim}, whose spec has {@code async.enabled}. */
  public AsyncSimulation(Simulation sim) {
    this(sim, c -> {});
  }

  /** As {@link #AsyncSimulation(Simulation)}, telling {@code built} of every client it builds. */
  AsyncSimulation(Simulation sim, IntConsumer built) {
    this.sim = sim;
    this.spec = sim.spec();
    this.built = built;
    if (!spec.async().enabled()) throw new IllegalArgumentException("async.enabled is false");
  }

  /** One client's training in flight. */
  private record Task(int client, int number, int startVersion, Parameters start, double finish, Future<FitResult> result) {}

  /** Runs until {@code rounds} server updates, reporting each to {@code listeners}. */
  public SimulationResult run(List<RoundListener> listeners) throws InterruptedException {
    long wallStart = System.nanoTime();
    ModelSpec model = ModelSpec.parse(spec.model());
    int n = sim.partition().numClients();
    String[] ids = new String[n];
    int digits = String.valueOf(n - 1).length();
    for (int c = 0; c < n; c++) ids[c] = String.format("client-%0" + digits + "d", c);
    // A client is built when one of its tasks runs, on the worker that runs it, and dropped after:
    // memory holds the clients in flight, not every client's data. The fit configuration never
    // asks for SCAFFOLD, so an engine client keeps nothing across tasks and a fresh one computes
    // what a kept one would.
    IntFunction<EngineClient> clients = c -> {
      built.accept(c);
      Dataset local = sim.partition().subset(sim.data().train(), c);
      return new EngineClient(model, local, local, 1);
    };
    TrainingSpec t = spec.training();
    Config fit = EngineClient.fitConfig(t.localEpochs(), t.batchSize(), t.optimizer(), t.learningRate(), t.momentum(), t.weightDecay());
    Duration deadline = Seconds.of("strategy.round_timeout_seconds", spec.strategy().roundTimeoutSeconds());
    LatencyModel latency = new LatencyModel(spec.latency(), spec.seed());
    Model evaluator = Models.create(model, Init.PYTORCH_DEFAULT, 0).threads(spec.threads());
    Dataset test = sim.data().test();
    FedBuff server = new FedBuff(Models.create(model, Init.PYTORCH_DEFAULT, Seeds.derive(spec.seed(), "init")).parameters(),
        spec.async().fedBuff());
    int rounds = spec.rounds();
    int bufferSize = spec.async().bufferSize();

    List<RoundRecord> records = new ArrayList<>();
    RoundRecord r0 = new RoundRecord(0, 0, 0, List.of(), false, Metrics.of(RoundClock.METRIC, 0), Optional.empty(),
        Optional.of(evaluate(evaluator, test, server.global())), 0);
    records.add(r0);
    for (RoundListener l : listeners) l.roundCompleted(r0, rounds);

    ExecutorService workers = Executors.newFixedThreadPool(spec.threads(), r -> {
      Thread th = new Thread(r, "lianbang-async-client");
      th.setDaemon(true);
      return th;
    });
    try {
      PriorityQueue<Task> running = new PriorityQueue<>(
          Comparator.comparingDouble(Task::finish).thenComparingInt(Task::client));
      List<Integer> idle = new ArrayList<>();
      for (int c = 0; c < n; c++) idle.add(c);
      int[] tasksOf = new int[n];
      SplitMix64 pick = new SplitMix64(Seeds.derive(spec.seed(), AsyncFederation.DISPATCH_LABEL));
      double now = 0;
      int arrived = 0;
      long droppedBefore = 0;
      double stalenessSum = 0;
      WeightedMetrics trainMetrics = new WeightedMetrics();
      long lastWall = System.nanoTime();
      for (RoundListener l : listeners) l.roundStarted(1, rounds, bufferSize);
      Dispatch dispatch = new Dispatch(ids, clients, tasksOf, pick, server, fit, latency, spec.seed(), spec.async().concurrency(), workers);
      fill(running, idle, dispatch, now);
      while (server.version() < rounds) {
        now = running.peek().finish();
        while (server.version() < rounds && !running.isEmpty() && running.peek().finish() == now) {
          Task task = running.poll();
          FitResult result = await(task, ids[task.client()], deadline);
          Parameters delta = ParameterMath.zip(result.parameters(), task.start(), (i, a, b) -> a - b);
          int versionBefore = server.version();
          FedBuff.Outcome outcome = server.submit(delta, task.startVersion());
          idle.add(task.client());
          arrived++;
          if (outcome != FedBuff.Outcome.DROPPED_STALE) {
            stalenessSum += versionBefore - task.startVersion();
            trainMetrics.add(ids[task.client()] + "#" + task.number(), result.metrics(), result.numExamples());
          }
          for (RoundListener l : listeners) l.clientFinished(versionBefore + 1, ids[task.client()], outcome != FedBuff.Outcome.DROPPED_STALE);
          if (outcome == FedBuff.Outcome.APPLIED) {
            int v = server.version();
            long dropped = server.droppedStale() - droppedBefore;
            Metrics m = trainMetrics.mean().with(RoundClock.METRIC, now).with("dropped_stale", dropped)
                .with("mean_staleness", stalenessSum / bufferSize);
            boolean evaluate = v % spec.evaluateEvery() == 0 || v == rounds;
            long wall = System.nanoTime();
            RoundRecord r = new RoundRecord(v, arrived, bufferSize, List.of(), true, m, Optional.empty(),
                evaluate ? Optional.of(evaluate(evaluator, test, server.global())) : Optional.empty(), (wall - lastWall) / 1e9);
            records.add(r);
            for (RoundListener l : listeners) l.roundCompleted(r, rounds);
            if (v < rounds) for (RoundListener l : listeners) l.roundStarted(v + 1, rounds, bufferSize);
            lastWall = wall;
            arrived = 0;
            droppedBefore = server.droppedStale();
            stalenessSum = 0;
            trainMetrics = new WeightedMetrics();
          }
        }
        fill(running, idle, dispatch, now);
      }
      for (Task task : running) task.result().cancel(true);
      return new SimulationResult(spec, new RunResult(server.global(), new History(records)), Simulation.kernels(),
          (System.nanoTime() - wallStart) / 1e9);
    } finally {
      workers.shutdownNow();
    }
  }

  /** What {@link #fill} needs to start a task. */
  private record Dispatch(String[] ids, IntFunction<EngineClient> clients, int[] tasksOf, SplitMix64 pick, FedBuff server, Config fit,
                          LatencyModel latency, long seed, int concurrency, ExecutorService workers) {}

  /**
   * Starts clients drawn uniformly from {@code idle} (sorted first, so the draw depends only on the
   * set) until {@code concurrency} train, each from the current global model at simulated time {@code now}.
   */
  private static void fill(PriorityQueue<Task> running, List<Integer> idle, Dispatch d, double now) {
    idle.sort(null);
    while (running.size() < d.concurrency() && !idle.isEmpty()) {
      int c = idle.remove(d.pick().nextInt(idle.size()));
      int number = ++d.tasksOf()[c];
      Parameters start = d.server().global();
      FitTask task = new FitTask(d.server().version() + 1, start, d.fit(), FitTask.seedFor(d.seed(), d.ids()[c], number));
      IntFunction<EngineClient> clients = d.clients();
      Future<FitResult> result = d.workers().submit(() -> clients.apply(c).fit(task));
      running.add(new Task(c, number, d.server().version(), start, now + d.latency().taskSeconds(c, number), result));
    }
  }

  private static FitResult await(Task task, String id, Duration deadline) throws InterruptedException {
    try {
      return task.result().get(deadline.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(id + " did not finish task " + task.number() + " within strategy.round_timeout_seconds ("
          + deadline.toMillis() / 1000.0 + " s)", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(id + " failed task " + task.number() + ": " + e.getCause(), e.getCause());
    }
  }

  /** Centralized evaluation of {@code parameters} on the test set: loss and, for classification, accuracy. */
  private static EvalResult evaluate(Model evaluator, Dataset test, Parameters parameters) {
    evaluator.load(parameters);
    Evaluation e = evaluator.evaluate(test);
    Metrics m = test.isClassification() ? Metrics.of("accuracy", e.accuracy()) : Metrics.empty();
    return new EvalResult(e.meanLoss(), e.count(), m);
  }
}
