package io.lianbang.core.federation;

import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.InvalidResultException;
import io.lianbang.core.random.Seeds;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.strategy.ClientInstruction;
import io.lianbang.core.strategy.ClientResult;
import io.lianbang.core.strategy.FitAggregation;
import io.lianbang.core.strategy.FitOutcome;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's round loop. Each round it asks the {@link Strategy} whom to train, sends the tasks
 * through the clients' {@link ClientProxy proxies}, streams the results into the strategy's
 * aggregation as they arrive, enforces the round deadline and the quorum, evaluates, and records
 * the round in the {@link History}.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>No unbounded wait: waiting for clients, training and evaluation each have a deadline;
 *       a client that misses it is reported to the strategy as a {@link ClientFailure}.
 *   <li>Invalid results (wrong tensor layout, NaN or infinite values, non-positive example counts)
 *       are rejected as failures and never reach the aggregate.
 *   <li>Reproducibility: sampling uses a generator derived from the run seed and the round; each
 *       task's seed derives from the run seed, the round and the client id. With a strategy that
 *       aggregates order-independently (all built-in ones do), the same seed gives the same
 *       history and final model bit for bit, whatever the thread count or arrival order.
 *   <li>Crash-resume: with a {@link CheckpointFile}, the state after every round is written
 *       atomically before listeners hear of the round; a restarted run continues from it.
 * </ul>
 */
public final class Federation {
  private static final Logger log = LoggerFactory.getLogger(Federation.class);
  /** Failures per round and phase logged as warnings; a large federation may fail hundreds at once. */
  private static final int FAILURES_LOGGED_PER_PHASE = 5;
  /**
   * The round metric (fit metrics, and federated evaluation metrics) counting the clients whose
   * example count was clipped to {@link FederationConfig#maxExamples()}; present only when one was.
   */
  public static final String CLIPPED_METRIC = "clipped_clients";

  private final Strategy strategy;
  private final ClientPool clients;
  private final FederationConfig config;
  private final List<RoundListener> listeners;
  private final CheckpointFile checkpoint;
  private final Set<String> warnedClipped = ConcurrentHashMap.newKeySet();
  private final Set<String> warnedFailed = ConcurrentHashMap.newKeySet();
  private final SortedMap<String, String> run;

  public Federation(Strategy strategy, ClientPool clients, FederationConfig config, List<RoundListener> listeners) {
    this(strategy, clients, config, listeners, null);
  }

  /**
   * A federation that writes {@code checkpoint} after every round and, if the file already
   * holds a checkpoint of this run, resumes from it.
   *
   * @param checkpoint where to checkpoint, or null for none
   */
  public Federation(Strategy strategy, ClientPool clients, FederationConfig config, List<RoundListener> listeners,
      CheckpointFile checkpoint) {
    this(strategy, clients, config, listeners, checkpoint, Map.of());
  }

  /**
   * A federation that checkpoints like {@link #Federation(Strategy, ClientPool, FederationConfig,
   * List, CheckpointFile)} and stores {@code run}, the description of the run, in the checkpoint:
   * it resumes only from a checkpoint with the same description.
   *
   * @param run setting name to canonical value for every setting that changes the run's outcome
   *     besides the seed, e.g. {@code model -> logistic:30}, {@code training.learning_rate -> 0.1}
   */
  public Federation(Strategy strategy, ClientPool clients, FederationConfig config, List<RoundListener> listeners,
      CheckpointFile checkpoint, Map<String, String> run) {
    this.strategy = Objects.requireNonNull(strategy, "strategy");
    this.clients = Objects.requireNonNull(clients, "clients");
    this.config = Objects.requireNonNull(config, "config");
    this.listeners = List.copyOf(listeners);
    this.checkpoint = checkpoint;
    this.run = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(run, "run")));
  }

  /**
   * Runs all rounds starting from {@code initial}, or, if a checkpoint of this run exists,
   * continues after its last completed round (then {@code initial} is ignored). With a strategy
   * that aggregates order-independently, a resumed run ends with the same model, bit for bit, as
   * an uninterrupted one.
   *
   * @throws NotEnoughClientsException if the strategy's minimum number of clients is not
   *     available within {@link FederationConfig#waitForClients()}
   * @throws IllegalStateException if the checkpoint belongs to another run (another seed, more
   *     rounds or another run description), its run is already complete, or the strategy's state
   *     cannot be restored
   * @throws java.io.UncheckedIOException if the checkpoint cannot be read or written
   * @throws InterruptedException if the calling thread is interrupted
   */
  public RunResult run(Parameters initial) throws InterruptedException {
    Optional<Checkpoint> saved = checkpoint == null ? Optional.empty() : checkpoint.readResumable(config.seed(), config.rounds(), run);
    Parameters global;
    List<RoundRecord> records = new ArrayList<>();
    int first;
    if (saved.isPresent()) {
      Checkpoint c = saved.get();
      try {
        strategy.importState(c.strategyState());
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("checkpoint " + checkpoint.path() + ": " + e.getMessage(), e);
      }
      global = c.parameters();
      records.addAll(c.history().rounds());
      first = c.round() + 1;
      log.info("resuming from checkpoint {} after round {} of {}", checkpoint.path(), c.round(), config.rounds());
    } else {
      global = strategy.initialize(initial);
      first = 1;
      Optional<EvalResult> initialEval = strategy.evaluate(0, global);
      if (initialEval.isPresent()) {
        RoundRecord r0 = new RoundRecord(0, 0, 0, List.of(), false, Metrics.empty(), Optional.empty(), initialEval, 0);
        records.add(r0);
        listeners.forEach(l -> l.roundCompleted(r0, config.rounds()));
      }
    }
    for (int round = first; round <= config.rounds(); round++) {
      long start = System.nanoTime();
      awaitClients(round);
      List<ClientInstruction> fit = strategy.configureFit(round, global, clients.available(), Seeds.random(config.seed(), "sample-fit", round));
      final int r = round;
      listeners.forEach(l -> l.roundStarted(r, config.rounds(), fit.size()));

      FitAggregation aggregation = strategy.beginFit(round, global);
      List<ClientFailure> failures = new ArrayList<>();
      int[] clipped = new int[1];
      int succeeded = collect(round, fit, (proxy, in) -> proxy.fit(
              new FitTask(r, in.parameters(), in.config(), Seeds.derive(config.seed(), "fit:" + in.clientId(), r)),
              Instant.now().plus(config.roundTimeout())),
          (in, result) -> {
            validate(in, result);
            long examples = clip(r, in.clientId(), result.numExamples(), clipped);
            aggregation.accept(in.clientId(), examples == result.numExamples() ? result
                : new FitResult(result.parameters(), examples, result.metrics()));
          },
          Instant.now().plus(config.roundTimeout()), failures, true);
      failures.sort(Comparator.comparing(ClientFailure::clientId));

      int needed = Math.max(1, (int) Math.ceil(config.quorum() * fit.size()));
      boolean updated = false;
      Metrics fitMetrics = Metrics.empty();
      if (fit.isEmpty()) {
        log.warn("round {}: the strategy sampled no clients; the model is unchanged", round);
      } else if (succeeded < needed) {
        log.warn("round {}: only {} of {} clients returned results, quorum is {}; the model is unchanged",
            round, succeeded, fit.size(), needed);
      } else {
        FitOutcome outcome = aggregation.complete(List.copyOf(failures));
        fitMetrics = outcome.metrics();
        if (outcome.parameters().isPresent()) {
          Parameters next = outcome.parameters().get();
          String mismatch = global.layoutMismatch(next);
          if (mismatch != null) {
            throw new IllegalStateException("strategy " + strategy + " returned parameters of another layout: " + mismatch);
          }
          global = next;
          updated = true;
        }
      }

      if (clipped[0] > 0) fitMetrics = fitMetrics.with(CLIPPED_METRIC, clipped[0]);
      Optional<EvalResult> centralized = Optional.empty();
      Optional<EvalResult> federated = Optional.empty();
      if (round % config.evaluateEvery() == 0 || round == config.rounds()) {
        centralized = strategy.evaluate(round, global);
        federated = evaluateFederated(round, global);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      RoundRecord record = new RoundRecord(round, fit.size(), succeeded, failures, updated, fitMetrics, federated, centralized, seconds);
      records.add(record);
      if (checkpoint != null) {
        byte[] state = strategy.exportState();
        checkpoint.write(new Checkpoint(config.seed(), config.rounds(), round, global, new History(records), state, run));
      }
      listeners.forEach(l -> l.roundCompleted(record, config.rounds()));
    }
    return new RunResult(global, new History(records));
  }

  private void awaitClients(int round) throws InterruptedException {
    int min = strategy.minAvailableClients();
    if (!clients.awaitAvailable(min, Instant.now().plus(config.waitForClients()))) {
      throw new NotEnoughClientsException("round " + round + ": needed " + min + " clients but only "
          + clients.available().size() + " were available after waiting " + config.waitForClients());
    }
  }

  private Optional<EvalResult> evaluateFederated(int round, Parameters global) throws InterruptedException {
    List<ClientInstruction> eval = strategy.configureEvaluate(round, global, clients.available(), Seeds.random(config.seed(), "sample-evaluate", round));
    if (eval.isEmpty()) return Optional.empty();
    List<ClientResult<EvalResult>> results = new ArrayList<>();
    List<ClientFailure> failures = new ArrayList<>();
    int[] clipped = new int[1];
    collect(round, eval,
        (proxy, in) -> proxy.evaluate(new EvalTask(round, in.parameters(), in.config()), Instant.now().plus(config.evaluateTimeout())),
        (in, result) -> {
          if (result.numExamples() < 0 || !Double.isFinite(result.loss())) {
            throw new IllegalArgumentException("evaluation loss " + result.loss() + " over " + result.numExamples() + " examples is invalid");
          }
          long examples = clip(round, in.clientId(), result.numExamples(), clipped);
          results.add(new ClientResult<>(in.clientId(), examples == result.numExamples() ? result
              : new EvalResult(result.loss(), examples, result.metrics())));
        },
        Instant.now().plus(config.evaluateTimeout()), failures, false);
    results.sort(Comparator.comparing(ClientResult::clientId));
    failures.sort(Comparator.comparing(ClientFailure::clientId));
    Optional<EvalResult> aggregate = strategy.aggregateEvaluate(round, results, failures);
    return clipped[0] == 0 ? aggregate
        : aggregate.map(e -> new EvalResult(e.loss(), e.numExamples(), e.metrics().with(CLIPPED_METRIC, clipped[0])));
  }

  /**
   * The example count a result may claim: {@code claimed}, or {@link FederationConfig#maxExamples()}
   * if it claims more (counted in {@code clipped}; the first clip of each client is logged as a
   * warning).
   */
  private long clip(int round, String clientId, long claimed, int[] clipped) {
    if (claimed <= config.maxExamples()) return claimed;
    clipped[0]++;
    if (warnedClipped.add(clientId)) {
      log.warn("round {}: client {} claimed {} examples, more than the limit of {}; its weight is clipped to the limit "
          + "(further clips of this client are logged at debug level and counted as {})", round, clientId, claimed,
          config.maxExamples(), CLIPPED_METRIC);
    } else {
      log.debug("round {}: clipped the {} examples claimed by client {} to {}", round, claimed, clientId, config.maxExamples());
    }
    return config.maxExamples();
  }

  private static void validate(ClientInstruction in, FitResult result) {
    if (result.numExamples() <= 0) {
      throw new IllegalArgumentException("numExamples must be > 0, got " + result.numExamples());
    }
    String mismatch = in.parameters().layoutMismatch(result.parameters());
    if (mismatch != null) throw new IllegalArgumentException("parameters: " + mismatch);
    String nonFinite = result.parameters().firstNonFinite();
    if (nonFinite != null) throw new IllegalArgumentException("parameters contain a non-finite value: " + nonFinite);
  }

  /**
   * Sends every instruction, then waits until all results have arrived or the deadline passes.
   * Each result is checked and handed to {@code accept} on the thread that completes it, one at a
   * time, and then dropped: nothing keeps a result once it has been folded in, so a streaming
   * strategy holds O(model) memory however many clients report. Returns the number of accepted
   * results; everything else becomes a failure.
   */
  private <R> int collect(
      int round, List<ClientInstruction> instructions,
      BiFunction<ClientProxy, ClientInstruction, CompletableFuture<R>> send,
      BiConsumer<ClientInstruction, R> accept, Instant deadline, List<ClientFailure> failures,
      boolean notify) throws InterruptedException {
    if (instructions.stream().map(ClientInstruction::clientId).distinct().count() != instructions.size()) {
      throw new IllegalStateException("strategy " + strategy + " gave round " + round + " two instructions for one client");
    }
    Phase<R> phase = new Phase<>(round, accept, failures);
    for (ClientInstruction in : instructions) {
      Optional<ClientProxy> proxy = clients.get(in.clientId());
      if (proxy.isEmpty()) {
        phase.fail(in.clientId(), ClientFailure.Kind.ERROR, "client is no longer connected");
        continue;
      }
      CompletableFuture<R> f;
      try {
        f = send.apply(proxy.get(), in);
      } catch (RuntimeException e) {
        phase.fail(in.clientId(), ClientFailure.Kind.ERROR, describe(e));
        continue;
      }
      phase.track(in, f);
    }
    phase.await(deadline, notify);
    return phase.accepted;
  }

  /**
   * One phase's results: folded in as they complete, under this object's lock, until the phase
   * closes. Only what the listeners need (who finished, and whether it succeeded) waits for the
   * round's thread; the results themselves are never queued.
   */
  private final class Phase<R> {
    private final int round;
    private final BiConsumer<ClientInstruction, R> accept;
    private final List<ClientFailure> failures;
    private final Map<ClientInstruction, CompletableFuture<R>> outstanding = new IdentityHashMap<>();
    private final LinkedBlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
    private int tracked;
    private int accepted;
    private int logged;
    private boolean closed;
    private RuntimeException fault;

    private record Finished(String clientId, boolean succeeded) {}

    Phase(int round, BiConsumer<ClientInstruction, R> accept, List<ClientFailure> failures) {
      this.round = round;
      this.accept = accept;
      this.failures = failures;
    }

    synchronized void fail(String clientId, ClientFailure.Kind kind, String message) {
      failures.add(new ClientFailure(clientId, kind, message));
    }

    void track(ClientInstruction in, CompletableFuture<R> f) {
      synchronized (this) {
        outstanding.put(in, f);
        tracked++;
      }
      f.whenComplete((result, error) -> arrived(in, result, error));
    }

    private synchronized void arrived(ClientInstruction in, R result, Throwable error) {
      if (closed || outstanding.remove(in) == null) return;
      String id = in.clientId();
      boolean ok = false;
      if (error != null) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        ClientFailure.Kind kind = cause instanceof TimeoutException ? ClientFailure.Kind.TIMEOUT
            : cause instanceof InvalidResultException ? ClientFailure.Kind.INVALID : ClientFailure.Kind.ERROR;
        String message = kind == ClientFailure.Kind.TIMEOUT ? "no result before the deadline"
            : kind == ClientFailure.Kind.INVALID ? cause.getMessage() : describe(cause);
        failures.add(new ClientFailure(id, kind, message));
        logFailure(round, logged++, id, "client " + id + " failed: " + message);
      } else {
        try {
          accept.accept(in, result);
          accepted++;
          ok = true;
        } catch (IllegalArgumentException e) {
          failures.add(new ClientFailure(id, ClientFailure.Kind.INVALID, e.getMessage()));
          logFailure(round, logged++, id, "rejected the result of client " + id + ": " + e.getMessage());
        } catch (RuntimeException e) { // a fault of the strategy, not of the client: the run ends
          fault = e;
          closed = true;
        }
      }
      finished.add(new Finished(id, ok));
    }

    private synchronized boolean faulted() {
      return fault != null;
    }

    /** Waits for every result or the deadline, then closes the phase and cancels what is left. */
    void await(Instant deadline, boolean notify) throws InterruptedException {
      for (int seen = 0; seen < tracked; seen++) {
        long wait = Duration.between(Instant.now(), deadline).toNanos();
        Finished f = wait > 0 ? finished.poll(wait, TimeUnit.NANOSECONDS) : finished.poll();
        if (f == null || faulted()) break;
        if (notify) listeners.forEach(l -> l.clientFinished(round, f.clientId(), f.succeeded()));
      }
      List<CompletableFuture<R>> late;
      synchronized (this) {
        closed = true;
        if (fault != null) throw fault;
        late = new ArrayList<>(outstanding.values());
        for (ClientInstruction in : outstanding.keySet()) {
          failures.add(new ClientFailure(in.clientId(), ClientFailure.Kind.TIMEOUT, "no result before the deadline"));
          logFailure(round, logged++, in.clientId(), "client " + in.clientId() + " missed the deadline");
        }
        outstanding.clear();
        if (logged > FAILURES_LOGGED_PER_PHASE) {
          log.warn("round {}: {} more client failures, logged at debug level; every failure is in the round record",
              round, logged - FAILURES_LOGGED_PER_PHASE);
        }
      }
      late.forEach(f -> f.cancel(true));
    }
  }

  /**
   * Logs a client's failure: as a warning if it is the client's first in this run or among the
   * first few of the round's phase, otherwise at debug level (every failure is in the round record).
   */
  private void logFailure(int round, int index, String clientId, String text) {
    if (warnedFailed.add(clientId) || index < FAILURES_LOGGED_PER_PHASE) {
      log.warn("round {}: {}", round, text);
    } else {
      log.debug("round {}: {}", round, text);
    }
  }

  private static String describe(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
