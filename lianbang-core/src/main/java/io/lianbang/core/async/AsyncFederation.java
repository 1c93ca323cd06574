package io.lianbang.core.async;

import io.lianbang.core.aggregate.WeightedMetrics;
import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.federation.Checkpoint;
import io.lianbang.core.federation.CheckpointFile;
import io.lianbang.core.federation.ClientPool;
import io.lianbang.core.federation.EvalValidation;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FitValidation;
import io.lianbang.core.federation.History;
import io.lianbang.core.federation.NotEnoughClientsException;
import io.lianbang.core.federation.RoundListener;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.random.Seeds;
import io.lianbang.core.random.SplitMix64;
import io.lianbang.core.strategy.CentralEvaluator;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.strategy.ClientInstruction;
import io.lianbang.core.strategy.ClientResult;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.ParameterMath;
import io.lianbang.core.tensor.Parameters;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffered asynchronous federated learning, FedBuff (Nguyen et al., "Federated Learning with
 * Buffered Asynchronous Aggregation", AISTATS 2022, Algorithm 1), on the wall clock over any
 * {@link ClientPool}: in-JVM {@link io.lianbang.core.client.LocalClientProxy LocalClientProxies}
 * or remote clients over gRPC alike. The server math is {@link FedBuff}'s; this class is its event
 * loop.
 *
 * <p>Up to {@code concurrency} fit tasks are in flight, each on a distinct client. A task carries
 * the current global model, the round {@code version + 1} and the seed
 * {@code Seeds.derive(seed, "fit:" + id, k)} for the client's {@code k}-th task (from 1). When a
 * result arrives it is checked as the synchronous loop checks results ({@link FitValidation};
 * example counts above {@code maxExamples} are clipped), its update {@code Δ = result − start} is
 * computed against the exact model the task started from and submitted to {@link FedBuff} with
 * that start version; then every free slot gets a client drawn uniformly, by a generator seeded
 * with {@code Seeds.derive(seed, "async-dispatch")}, from the available clients (sorted by id) that
 * have no task in flight and are not backing off. Start models are the server's immutable global
 * models, held by reference only while a task started from them is in flight and at most
 * {@code maxStaleness} versions old (an older task's result will be dropped anyway): memory is one
 * model per distinct start version in flight, at most {@code min(concurrency, maxStaleness + 1)}
 * models, the current one included.
 *
 * <p>Failures never end the run: a task that errs, misses its deadline or returns an invalid
 * result is recorded as a {@link ClientFailure} of the next server update, its slot is reused, and
 * its client gets no task for {@code failureBackoff}. Every wait has a deadline: each task's, and
 * the run's, after which the run ends with the updates applied so far.
 *
 * <p>With {@code concurrency = 1} the sequence of events depends on the seed only, so the final
 * model is the same bit for bit over gRPC as in one JVM, and equals {@code AsyncSimulation}'s
 * (lianbang-sim) for the same clients, seed and settings: that simulation draws clients and seeds
 * tasks the same way. With more concurrency the arrival order, hence the buffers' contents and the
 * staleness, depends on timing.
 *
 * <p>Each server update is one {@link RoundRecord}: {@code round} is the new version,
 * {@code sampled} the tasks that ended since the previous update (results dropped as too stale and
 * failures included), {@code succeeded} the buffered updates ({@code K}), and the fit metrics hold
 * {@value #DROPPED_STALE} (dropped since the previous update), {@value #MEAN_STALENESS} (of the
 * buffered updates) and their example-weighted client metrics such as {@code train_loss}. With an
 * evaluator, round 0 evaluates the initial model and evaluation runs every {@code evaluateEvery}
 * updates and after the last. With an evaluation strategy, federated evaluation runs at the same
 * updates (not round 0), as the synchronous loop's does: the strategy's
 * {@link Strategy#configureEvaluate} samples from the clients with no fit task in flight (seeded
 * by {@code Seeds.random(seed, "sample-evaluate", version)}), they evaluate the new global model
 * within the task deadline while the fit tasks in flight go on, and
 * {@link Strategy#aggregateEvaluate} gives the record's federated result. Slots freed meanwhile
 * are refilled after it, so the dispatch draws do not depend on evaluation.
 *
 * <p>With a {@link CheckpointFile}, the state after every server update is written (the buffer is
 * empty then): the model and its version, the history, the updates dropped so far, the dispatch
 * generator's state and every client's task count. A run started with a checkpoint of the same
 * run (seed, number of updates and run description) continues after its last update; the tasks
 * that were in flight are lost, as their clients' connections are. With {@code concurrency = 1}
 * none is in flight at a checkpoint, so a resumed run ends with the uninterrupted run's model, bit
 * for bit. Not thread-safe: one thread calls {@link #run}.
 */
public final class AsyncFederation {
  private static final Logger log = LoggerFactory.getLogger(AsyncFederation.class);
  /** Fit metric: updates dropped as too stale since the previous server update. */
  public static final String DROPPED_STALE = "dropped_stale";
  /** Fit metric: the mean staleness of the updates in the applied buffer. */
  public static final String MEAN_STALENESS = "mean_staleness";
  /** The label of the dispatch generator, {@code Seeds.derive(seed, DISPATCH_LABEL)}. */
  public static final String DISPATCH_LABEL = "async-dispatch";
  /** How long past its deadline a task's future may stay pending before the loop cancels it. */
  private static final Duration GRACE = Duration.ofSeconds(1);
  /** The longest single wait when no task is in flight (to notice clients that connect). */
  private static final Duration IDLE_POLL = Duration.ofMillis(200);

  private final ClientPool clients;
  private final AsyncFederationConfig config;
  private final CentralEvaluator evaluator;
  private final Strategy evaluation;
  private final List<RoundListener> listeners;
  private final CheckpointFile checkpoint;
  private final SortedMap<String, String> run;
  /** The format of the loop's state in a checkpoint's strategy state. */
  private static final int STATE_FORMAT = 1;
  /** The most clients a checkpoint's state may list. */
  private static final int MAX_CHECKPOINT_CLIENTS = 10_000_000;

  /**
   * @param evaluator centralized evaluation of the global model, or null for none
   */
  public AsyncFederation(ClientPool clients, AsyncFederationConfig config, CentralEvaluator evaluator, List<RoundListener> listeners) {
    this(clients, config, evaluator, null, listeners);
  }

  /**
   * @param evaluator centralized evaluation of the global model, or null for none
   * @param evaluation the strategy whose {@link Strategy#configureEvaluate} and
   *     {@link Strategy#aggregateEvaluate} run federated evaluation (its fit methods are not used),
   *     or null for none
   */
  public AsyncFederation(ClientPool clients, AsyncFederationConfig config, CentralEvaluator evaluator, Strategy evaluation,
      List<RoundListener> listeners) {
    this(clients, config, evaluator, evaluation, listeners, null, new TreeMap<>());
  }

  /**
   * A run that checkpoints to {@code checkpoint} after every server update and, if it holds a
   * checkpoint of this run, resumes from it.
   *
   * @param checkpoint where to checkpoint, or null for none
   * @param run the description of the run a resumed run must match (setting name to value)
   */
  public AsyncFederation(ClientPool clients, AsyncFederationConfig config, CentralEvaluator evaluator, Strategy evaluation,
      List<RoundListener> listeners, CheckpointFile checkpoint, SortedMap<String, String> run) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.config = Objects.requireNonNull(config, "config");
    this.evaluator = evaluator;
    this.evaluation = evaluation;
    this.listeners = List.copyOf(listeners);
    this.checkpoint = checkpoint;
    this.run = new TreeMap<>(Objects.requireNonNull(run, "run"));
  }

  /** One fit task in flight; {@code start} is released (null) once the task is too stale to count. */
  private static final class Task {
    final String id;
    final int startVersion;
    final Instant deadline;
    final CompletableFuture<FitResult> future;
    Parameters start;

    Task(String id, int startVersion, Parameters start, Instant deadline, CompletableFuture<FitResult> future) {
      this.id = id;
      this.startVersion = startVersion;
      this.start = start;
      this.deadline = deadline;
      this.future = future;
    }
  }

  /** A task's end, as delivered by its future. */
  private record Done(Task task, FitResult result, Throwable error) {}

  /**
   * Runs from {@code initial} until {@code serverUpdates} server updates or the run deadline, or,
   * if the checkpoint holds this run, from its last update (then {@code initial} is ignored).
   *
   * @throws NotEnoughClientsException if {@code minClients} clients are not available within
   *     {@code waitForClients}
   * @throws IllegalStateException if the checkpoint belongs to another run, its run is complete or
   *     its state is damaged
   * @throws UncheckedIOException if the checkpoint cannot be read or written
   * @throws InterruptedException if the calling thread is interrupted (tasks in flight are cancelled)
   */
  public RunResult run(Parameters initial) throws InterruptedException {
    Objects.requireNonNull(initial, "initial");
    Optional<Checkpoint> saved = checkpoint == null ? Optional.empty() : checkpoint.readResumable(config.seed(), config.serverUpdates(), run);
    Loop loop = new Loop(initial);
    if (saved.isPresent()) loop.resume(saved.get());
    if (!clients.awaitAvailable(config.minClients(), Instant.now().plus(config.waitForClients()))) {
      throw new NotEnoughClientsException("needed " + config.minClients() + " clients but only " + clients.available().size()
          + " were available after waiting " + config.waitForClients());
    }
    return loop.run(saved.isPresent());
  }

  /** The state of one run. */
  private final class Loop {
    FedBuff server;
    final int updates = config.serverUpdates();
    final int bufferSize = config.fedBuff().bufferSize();
    final BlockingQueue<Done> done = new LinkedBlockingQueue<>();
    final Map<String, Task> inFlight = new HashMap<>();
    final Map<String, Integer> tasksOf = new HashMap<>();
    final Map<String, Instant> backoffUntil = new HashMap<>();
    final Set<String> warned = new HashSet<>();
    SplitMix64 pick = new SplitMix64(Seeds.derive(config.seed(), DISPATCH_LABEL));
    final List<RoundRecord> records = new ArrayList<>();
    // since the previous server update
    int ended;
    int clipped;
    long droppedBefore;
    double stalenessSum;
    List<ClientFailure> failures = new ArrayList<>();
    WeightedMetrics trainMetrics = new WeightedMetrics();
    long lastWall = System.nanoTime();

    Loop(Parameters initial) {
      server = new FedBuff(initial, config.fedBuff());
    }

    /** Continues after checkpoint {@code c}'s server update: its model, history and loop state. */
    void resume(Checkpoint c) {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(c.strategyState()))) {
        int format = in.readInt();
        if (format != STATE_FORMAT) throw new IllegalArgumentException("state format " + format + ", expected " + STATE_FORMAT);
        long pickState = in.readLong();
        long dropped = in.readLong();
        int n = in.readInt();
        if (n < 0 || n > MAX_CHECKPOINT_CLIENTS) throw new IllegalArgumentException("client count " + n);
        for (int i = 0; i < n; i++) {
          String id = in.readUTF();
          int tasks = in.readInt();
          if (tasks < 1) throw new IllegalArgumentException("task count " + tasks + " of client " + id);
          tasksOf.put(id, tasks);
        }
        if (in.read() != -1) throw new IllegalArgumentException("bytes after the state");
        server = new FedBuff(c.parameters(), c.round(), dropped, config.fedBuff());
        pick = new SplitMix64(pickState);
        droppedBefore = dropped;
      } catch (IOException | IllegalArgumentException e) {
        throw new IllegalStateException("checkpoint " + checkpoint.path() + " holds no FedBuff state of this run: " + e.getMessage(), e);
      }
      records.addAll(c.history().rounds());
      log.info("resuming from checkpoint {} after server update {} of {}", checkpoint.path(), c.round(), updates);
    }

    /** Writes the state after the server update just applied, whose record is the last one. */
    void save() {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeInt(STATE_FORMAT);
        out.writeLong(pick.state());
        out.writeLong(server.droppedStale());
        Map<String, Integer> sorted = new TreeMap<>(tasksOf);
        out.writeInt(sorted.size());
        for (Map.Entry<String, Integer> e : sorted.entrySet()) {
          out.writeUTF(e.getKey());
          out.writeInt(e.getValue());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      checkpoint.write(new Checkpoint(config.seed(), updates, server.version(), server.global(), new History(records),
          bytes.toByteArray(), run));
    }

    RunResult run(boolean resumed) throws InterruptedException {
      if (evaluator != null && !resumed) {
        RoundRecord r0 = new RoundRecord(0, 0, 0, List.of(), false, Metrics.empty(), Optional.empty(),
            Optional.of(evaluator.evaluate(0, server.global())), 0);
        records.add(r0);
        listeners.forEach(l -> l.roundCompleted(r0, updates));
      }
      int first = server.version() + 1;
      listeners.forEach(l -> l.roundStarted(first, updates, bufferSize));
      Instant runDeadline = Instant.now().plus(config.runTimeout());
      try {
        fill();
        while (server.version() < updates) {
          Instant now = Instant.now();
          if (!now.isBefore(runDeadline)) {
            log.warn("the run deadline of {} passed after {} of {} server updates; ending the run", config.runTimeout(),
                server.version(), updates);
            break;
          }
          expireOverdue(now);
          Done d = done.poll(Math.max(1, Duration.between(now, nextWake(now, runDeadline)).toMillis()), TimeUnit.MILLISECONDS);
          if (d != null) handle(d);
          if (server.version() < updates) fill();
        }
      } finally {
        for (Task t : inFlight.values()) t.future.cancel(true);
        inFlight.clear();
      }
      return new RunResult(server.global(), new History(records));
    }

    /** The earliest of the run deadline, a task's deadline (plus grace), a backoff's end and the idle poll. */
    Instant nextWake(Instant now, Instant runDeadline) {
      Instant wake = runDeadline;
      for (Task t : inFlight.values()) wake = min(wake, t.deadline.plus(GRACE));
      for (Instant b : backoffUntil.values()) if (b.isAfter(now)) wake = min(wake, b);
      if (inFlight.size() < config.concurrency()) wake = min(wake, now.plus(IDLE_POLL));
      return wake;
    }

    /** Cancels tasks whose future is still pending well past their deadline (their end is then queued as a timeout). */
    void expireOverdue(Instant now) {
      for (Task t : List.copyOf(inFlight.values())) {
        if (now.isAfter(t.deadline.plus(GRACE))) t.future.cancel(true);
      }
    }

    /** Gives every free slot a task, on a client drawn from the idle ones. */
    void fill() {
      if (inFlight.size() >= config.concurrency()) return;
      Instant now = Instant.now();
      List<String> idle = new ArrayList<>();
      for (String id : clients.available()) {
        Instant until = backoffUntil.get(id);
        if (until != null && !until.isAfter(now)) {
          backoffUntil.remove(id);
          until = null;
        }
        if (until == null && !inFlight.containsKey(id)) idle.add(id);
      }
      idle.sort(null);
      while (inFlight.size() < config.concurrency() && !idle.isEmpty()) {
        String id = idle.remove(pick.nextInt(idle.size()));
        Optional<ClientProxy> proxy = clients.get(id);
        if (proxy.isEmpty()) {
          fail(id, ClientFailure.Kind.ERROR, "client is no longer connected");
          continue;
        }
        int number = tasksOf.merge(id, 1, Integer::sum);
        Parameters start = server.global();
        FitTask fit = new FitTask(server.version() + 1, start, config.fitConfig(), FitTask.seedFor(config.seed(), id, number));
        Instant deadline = Instant.now().plus(config.taskTimeout());
        CompletableFuture<FitResult> future;
        try {
          future = proxy.get().fit(fit, deadline);
        } catch (RuntimeException e) {
          fail(id, ClientFailure.Kind.ERROR, describe(e));
          continue;
        }
        Task task = new Task(id, server.version(), start, deadline, future);
        inFlight.put(id, task);
        future.whenComplete((r, e) -> done.add(new Done(task, r, e)));
      }
    }

    /** Folds one task's end into the server: a failure, a dropped update, or a buffered one. */
    void handle(Done d) throws InterruptedException {
      Task task = d.task();
      if (inFlight.get(task.id) != task) return; // already ended
      inFlight.remove(task.id);
      if (d.error() != null) {
        Throwable e = d.error() instanceof CompletionException || d.error() instanceof ExecutionException
            ? d.error().getCause() : d.error();
        boolean late = e instanceof TimeoutException || e instanceof CancellationException;
        fail(task.id, late ? ClientFailure.Kind.TIMEOUT : ClientFailure.Kind.ERROR,
            late ? "no result within the task deadline of " + config.taskTimeout() : describe(e));
        return;
      }
      FitResult result = d.result();
      Parameters start = task.start == null ? server.global() : task.start;
      try {
        if (result.isPartialSum()) {
          throw new IllegalArgumentException("an edge aggregator's partial sum cannot take part in FedBuff, which needs each client's update");
        }
        FitValidation.check(start, result);
      } catch (IllegalArgumentException e) {
        fail(task.id, ClientFailure.Kind.INVALID, e.getMessage());
        return;
      }
      int versionBefore = server.version();
      // A released start means the update is staler than maxStaleness: FedBuff drops it unread.
      Parameters delta = task.start == null ? result.parameters()
          : ParameterMath.zip(result.parameters(), task.start, (i, a, b) -> a - b);
      FedBuff.Outcome outcome = server.submit(delta, task.startVersion);
      ended++;
      boolean buffered = outcome != FedBuff.Outcome.DROPPED_STALE;
      if (buffered) {
        stalenessSum += versionBefore - task.startVersion;
        long examples = result.numExamples();
        if (examples > config.maxExamples()) {
          clipped++;
          examples = config.maxExamples();
        }
        trainMetrics.add(task.id + "#" + tasksOf.get(task.id), result.metrics(), examples);
      }
      listeners.forEach(l -> l.clientFinished(versionBefore + 1, task.id, buffered));
      if (outcome == FedBuff.Outcome.APPLIED) applied();
    }

    /** Records the server update just applied and releases start models too stale to count. */
    void applied() throws InterruptedException {
      int v = server.version();
      Metrics m = trainMetrics.mean().with(DROPPED_STALE, server.droppedStale() - droppedBefore)
          .with(MEAN_STALENESS, stalenessSum / bufferSize);
      if (clipped > 0) m = m.with(Federation.CLIPPED_METRIC, clipped);
      boolean evaluate = v % config.evaluateEvery() == 0 || v == updates;
      Optional<EvalResult> eval = evaluator != null && evaluate ? Optional.of(evaluator.evaluate(v, server.global())) : Optional.empty();
      Optional<EvalResult> federated = evaluation != null && evaluate ? evaluateFederated(v) : Optional.empty();
      long wall = System.nanoTime();
      failures.sort(Comparator.comparing(ClientFailure::clientId));
      RoundRecord r = new RoundRecord(v, ended + failures.size(), bufferSize, failures, true, m, federated, eval,
          (wall - lastWall) / 1e9);
      records.add(r);
      if (checkpoint != null) save();
      listeners.forEach(l -> l.roundCompleted(r, updates));
      if (v < updates) listeners.forEach(l -> l.roundStarted(v + 1, updates, bufferSize));
      lastWall = wall;
      ended = 0;
      clipped = 0;
      droppedBefore = server.droppedStale();
      stalenessSum = 0;
      failures = new ArrayList<>();
      trainMetrics = new WeightedMetrics();
      int oldest = v - config.fedBuff().maxStaleness();
      for (Task t : inFlight.values()) if (t.startVersion < oldest) t.start = null;
    }

    /**
     * Federated evaluation of version {@code v} on clients with no fit task in flight, each within
     * the task deadline; results and failures go to the evaluation strategy, failures are logged
     * (a client's first as a warning) and back no client off.
     */
    Optional<EvalResult> evaluateFederated(int v) throws InterruptedException {
      List<String> idle = new ArrayList<>();
      for (String id : clients.available()) if (!inFlight.containsKey(id)) idle.add(id);
      idle.sort(null);
      Parameters global = server.global();
      List<ClientInstruction> sampled = evaluation.configureEvaluate(v, global, idle, Seeds.random(config.seed(), "sample-evaluate", v));
      if (sampled.isEmpty()) return Optional.empty();
      Instant deadline = Instant.now().plus(config.taskTimeout());
      Map<String, CompletableFuture<EvalResult>> pending = new LinkedHashMap<>();
      List<ClientFailure> failed = new ArrayList<>();
      List<ClientResult<EvalResult>> results = new ArrayList<>();
      int clippedEval = 0;
      try {
        for (ClientInstruction in : sampled) {
          Optional<ClientProxy> proxy = clients.get(in.clientId());
          try {
            if (proxy.isEmpty()) throw new IllegalStateException("client is no longer connected");
            pending.put(in.clientId(), proxy.get().evaluate(new EvalTask(v, in.parameters(), in.config()), deadline));
          } catch (RuntimeException e) {
            failed.add(new ClientFailure(in.clientId(), ClientFailure.Kind.ERROR, describe(e)));
          }
        }
        for (Map.Entry<String, CompletableFuture<EvalResult>> e : pending.entrySet()) {
          String id = e.getKey();
          try {
            EvalResult r = e.getValue().get(Math.max(1, Duration.between(Instant.now(), deadline.plus(GRACE)).toMillis()),
                TimeUnit.MILLISECONDS);
            EvalValidation.check(r);
            long examples = Math.min(r.numExamples(), config.maxExamples());
            if (examples < r.numExamples()) clippedEval++;
            results.add(new ClientResult<>(id, examples == r.numExamples() ? r : new EvalResult(r.loss(), examples, r.metrics())));
          } catch (IllegalArgumentException ex) {
            failed.add(new ClientFailure(id, ClientFailure.Kind.INVALID, ex.getMessage()));
          } catch (TimeoutException | CancellationException | ExecutionException ex) {
            Throwable cause = ex instanceof ExecutionException && ex.getCause() != null ? ex.getCause() : ex;
            boolean late = !(ex instanceof ExecutionException) || cause instanceof TimeoutException; // get's own, or the task's deadline
            failed.add(late ? new ClientFailure(id, ClientFailure.Kind.TIMEOUT, "no evaluation result within the task deadline of "
                + config.taskTimeout()) : new ClientFailure(id, ClientFailure.Kind.ERROR, describe(cause)));
          }
        }
      } finally {
        for (CompletableFuture<EvalResult> f : pending.values()) f.cancel(true); // no effect on those done
      }
      for (ClientFailure f : failed) {
        if (warned.add(f.clientId())) {
          log.warn("server update {}: evaluation on client {} failed ({}): {} (further failures of it are logged at debug level)", v,
              f.clientId(), f.kind(), f.message());
        } else {
          log.debug("server update {}: evaluation on client {} failed ({}): {}", v, f.clientId(), f.kind(), f.message());
        }
      }
      results.sort(Comparator.comparing(ClientResult::clientId));
      failed.sort(Comparator.comparing(ClientFailure::clientId));
      Optional<EvalResult> aggregate = evaluation.aggregateEvaluate(v, results, failed);
      int clippedCount = clippedEval;
      return clippedCount == 0 ? aggregate : aggregate.map(e -> e.withMetric(Federation.CLIPPED_METRIC, clippedCount));
    }

    /** Records a failed task of {@code id} and backs the client off. */
    void fail(String id, ClientFailure.Kind kind, String message) {
      failures.add(new ClientFailure(id, kind, message));
      backoffUntil.put(id, Instant.now().plus(config.failureBackoff()));
      int round = server.version() + 1;
      if (warned.add(id)) {
        log.warn("server update {}: client {} failed ({}): {}; it gets no task for {} (further failures of it are logged at debug level)",
            round, id, kind, message, config.failureBackoff());
      } else {
        log.debug("server update {}: client {} failed ({}): {}", round, id, kind, message);
      }
      listeners.forEach(l -> l.clientFinished(round, id, false));
    }
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static String describe(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
