package io.lianbang.core.federation;

import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.compress.Broadcast;
import io.lianbang.core.compress.Compression;
import io.lianbang.core.compress.Download;
import io.lianbang.core.compress.Transfer;
import io.lianbang.core.random.Seeds;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.strategy.ClientInstruction;
import io.lianbang.core.strategy.ClientResult;
import io.lianbang.core.strategy.FitAggregation;
import io.lianbang.core.strategy.FitOutcome;
import io.lianbang.core.strategy.RoundContext;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.ParameterMath;
import io.lianbang.core.tensor.Parameters;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Supplier;
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
 *   <li>Reproducibility: sampling and the aggregation's {@link RoundContext#random()} use
 *       generators derived from the run seed and the round; each task's seed derives from the
 *       run seed, the round and the client id. With a strategy that
 *       aggregates order-independently (all built-in ones do), the same seed gives the same
 *       history and final model bit for bit, whatever the thread count or arrival order.
 *   <li>Crash-resume: with a {@link CheckpointFile}, the state after every round is written
 *       atomically before listeners hear of the round; a restarted run continues from it.
 *   <li>Traffic: every round records the bytes its tasks moved ({@link RoundRecord#traffic()})
 *       and the run's total so far: as measured by the pool's transport if it has a
 *       {@link ClientPool#trafficMeter() meter}, otherwise the {@link EncodedSize encoded size}
 *       of the parameters sent with each fit and evaluate task (downlink) and of each fit result
 *       that arrived before the deadline (uplink; evaluation results carry no parameters); with
 *       {@link FederationConfig#compression() compression}, the sizes of the encodings.
 *   <li>Compression: with a downlink codec, fit tasks whose parameters are the global model carry
 *       the round's {@link Broadcast} instead (the model clients decode); the update a client
 *       computed from it is applied to the exact global model ({@code global + (trained −
 *       start)}, float32), so the server's model never takes on the broadcast's error. With an
 *       uplink codec, every fit task asks for encoded updates ({@link Transfer}); the pool's
 *       proxies encode (in-process) or the transport decodes (remote) before results arrive here.
 * </ul>
 */
public final class Federation {
  private static final Logger log = LoggerFactory.getLogger(Federation.class);
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
  private final FailureLog failureLog = new FailureLog();
  private final SortedMap<String, String> run;
  /** The transport's meter, or one this federation feeds with encoded sizes. */
  private final TrafficMeter traffic;
  private final boolean countEncoded;
  /** The compressed downlink, or null. */
  private final Broadcast broadcast;
  /** For counting a simulated downlink: the round whose start each client holds. */
  private final Map<String, Integer> heldStart = new HashMap<>();

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
    Optional<TrafficMeter> measured = clients.trafficMeter();
    this.traffic = measured.orElseGet(TrafficMeter::new);
    this.countEncoded = measured.isEmpty();
    Compression c = config.compression();
    this.broadcast = c.downlink() == null ? null : new Broadcast(c.downlink(), c.downlinkDelta(), config.seed());
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
    List<RoundRecord> records = new ArrayList<>();
    Parameters global = saved.isPresent() ? resume(saved.get(), records) : begin(initial, records);
    for (int round = saved.map(c -> c.round() + 1).orElse(1); round <= config.rounds(); round++) {
      global = playRound(round, global, records);
    }
    return new RunResult(global, new History(records));
  }

  /** Restores the strategy and the history of a checkpoint; returns its model. */
  private Parameters resume(Checkpoint c, List<RoundRecord> records) {
    try {
      strategy.importState(c.strategyState());
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("checkpoint " + checkpoint.path() + ": " + e.getMessage(), e);
    }
    records.addAll(c.history().rounds());
    if (broadcast != null && c.broadcastRound() > 0) broadcast.restore(c.broadcastRound(), c.broadcastStart());
    log.info("resuming from checkpoint {} after round {} of {}", checkpoint.path(), c.round(), config.rounds());
    return c.parameters();
  }

  /** The strategy's initial model, evaluated as round 0 if the strategy evaluates centrally. */
  private Parameters begin(Parameters initial, List<RoundRecord> records) {
    Parameters global = strategy.initialize(initial);
    Optional<EvalResult> initialEval = strategy.evaluate(0, global);
    if (initialEval.isPresent()) {
      RoundRecord r0 = new RoundRecord(0, 0, 0, List.of(), false, Metrics.empty(), Optional.empty(), initialEval, 0);
      records.add(r0);
      listeners.forEach(l -> l.roundCompleted(r0, config.rounds()));
    }
    return global;
  }

  /** One round: training, aggregation, evaluation, the record, the checkpoint. Returns the new model. */
  private Parameters playRound(int round, Parameters global, List<RoundRecord> records) throws InterruptedException {
    long start = System.nanoTime();
    traffic.begin(round);
    awaitClients(round);
    List<String> available = clients.available();
    List<ClientInstruction> fit = strategy.configureFit(round, global, available, Seeds.random(config.seed(), "sample-fit", round));
    listeners.forEach(l -> l.roundStarted(round, config.rounds(), fit.size()));
    FitStep step = fit(new RoundContext(round, global, available, fit,
        Seeds.random(config.seed(), RoundContext.RANDOM_LABEL, round)));
    Optional<EvalResult> centralized = Optional.empty();
    Optional<EvalResult> federated = Optional.empty();
    if (round % config.evaluateEvery() == 0 || round == config.rounds()) {
      centralized = strategy.evaluate(round, step.global());
      federated = evaluateFederated(round, step.global());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Traffic moved = traffic.end(round);
    Traffic before = records.isEmpty() ? Traffic.NONE : records.get(records.size() - 1).totalTraffic();
    RoundRecord record = new RoundRecord(round, fit.size(), step.succeeded(), step.failures(), step.updated(), step.metrics(),
        federated, centralized, seconds, moved, before.plus(moved));
    records.add(record);
    if (checkpoint != null) {
      byte[] state = strategy.exportState();
      int broadcastRound = broadcast == null ? 0 : broadcast.previousRound();
      checkpoint.write(new Checkpoint(config.seed(), config.rounds(), round, step.global(), new History(records), state, run,
          broadcastRound, broadcastRound == 0 ? null : broadcast.previous()));
    }
    listeners.forEach(l -> l.roundCompleted(record, config.rounds()));
    return step.global();
  }

  /** What a round's training produced: the model after it (the old one unless {@code updated}). */
  private record FitStep(Parameters global, int succeeded, List<ClientFailure> failures, boolean updated, Metrics metrics) {}

  /** Trains the sampled clients, folds their results in and, on quorum, completes the aggregation. */
  private FitStep fit(RoundContext context) throws InterruptedException {
    int round = context.round();
    Parameters global = context.global();
    List<ClientInstruction> fit = context.instructions();
    FitAggregation aggregation = strategy.beginFit(context);
    AtomicInteger clipped = new AtomicInteger();
    Compression compression = config.compression();
    Download download = broadcast == null ? null : broadcast.prepare(round, global);
    // The server keeps the exact global model: an update computed from the decoded broadcast is
    // applied to the global model, not to the broadcast.
    float[] exact = download != null && download.start() != global ? global.flatten() : null;
    RoundPhase<FitResult> phase = collect(round, fit, (proxy, in) -> {
          Transfer transfer = new Transfer(compression.uplink(), compression.errorFeedback(), in.parameters() == global ? download : null);
          Parameters start = transfer.download() == null ? in.parameters() : transfer.download().start();
          if (countEncoded) traffic.downlink(round, downlinkBytes(round, in.clientId(), start, transfer));
          FitTask task = new FitTask(round, start, in.config(), FitTask.seedFor(config.seed(), in.clientId(), round), transfer);
          return () -> proxy.fit(task, Instant.now().plus(config.roundTimeout()));
        },
        (in, result) -> {
          if (countEncoded) traffic.uplink(round, compression.uplink() == null ? EncodedSize.float32(result.parameters())
              : EncodedSize.encoded(compression.uplink(), result.parameters()));
          validate(in, result);
          if (result.isPartialSum()) {
            checkPartialSum(result, exact != null);
            aggregation.accept(in.clientId(), result);
            return;
          }
          if (exact != null && in.parameters() == global) {
            result = new FitResult(ParameterMath.zip(result.parameters(), download.start(), (i, w, s) -> exact[i] + (w - s)),
                result.numExamples(), result.metrics());
          }
          long examples = clip(round, in.clientId(), result.numExamples(), clipped);
          aggregation.accept(in.clientId(), examples == result.numExamples() ? result
              : new FitResult(result.parameters(), examples, result.metrics()));
        },
        Instant.now().plus(config.roundTimeout()), aggregation.concurrent(), true);
    List<ClientFailure> failures = phase.failures();
    int needed = Math.max(1, (int) Math.ceil(config.quorum() * fit.size()));
    Parameters next = global;
    Metrics metrics = Metrics.empty();
    if (fit.isEmpty()) {
      log.warn("round {}: the strategy sampled no clients; the model is unchanged", round);
    } else if (phase.accepted() < needed) {
      log.warn("round {}: only {} of {} clients returned results, quorum is {}; the model is unchanged",
          round, phase.accepted(), fit.size(), needed);
    } else {
      FitOutcome outcome = aggregation.complete(failures);
      metrics = outcome.metrics();
      if (outcome.parameters().isPresent()) {
        next = outcome.parameters().get();
        String mismatch = global.layoutMismatch(next);
        if (mismatch != null) {
          throw new IllegalStateException("strategy " + strategy + " returned parameters of another layout: " + mismatch);
        }
      }
    }
    if (clipped.get() > 0) metrics = metrics.with(CLIPPED_METRIC, clipped.get());
    return new FitStep(next, phase.accepted(), failures, next != global, metrics);
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
    AtomicInteger clipped = new AtomicInteger();
    RoundPhase<EvalResult> phase = collect(round, eval, (proxy, in) -> {
          if (countEncoded) traffic.downlink(round, EncodedSize.float32(in.parameters()));
          EvalTask task = new EvalTask(round, in.parameters(), in.config());
          return () -> proxy.evaluate(task, Instant.now().plus(config.evaluateTimeout()));
        },
        (in, result) -> {
          EvalValidation.check(result);
          long examples = clip(round, in.clientId(), result.numExamples(), clipped);
          results.add(new ClientResult<>(in.clientId(), examples == result.numExamples() ? result
              : new EvalResult(result.loss(), examples, result.metrics())));
        },
        Instant.now().plus(config.evaluateTimeout()), false, false);
    results.sort(Comparator.comparing(ClientResult::clientId));
    Optional<EvalResult> aggregate = strategy.aggregateEvaluate(round, results, phase.failures());
    return clipped.get() == 0 ? aggregate
        : aggregate.map(e -> e.withMetric(CLIPPED_METRIC, clipped.get()));
  }

  /**
   * The example count a result may claim: {@code claimed}, or {@link FederationConfig#maxExamples()}
   * if it claims more (counted in {@code clipped}; the first clip of each client is logged as a
   * warning).
   */
  private long clip(int round, String clientId, long claimed, AtomicInteger clipped) {
    if (claimed <= config.maxExamples()) return claimed;
    clipped.incrementAndGet();
    failureLog.clipped(round, clientId, claimed, config.maxExamples());
    return config.maxExamples();
  }

  /**
   * Checks an edge aggregator's partial sum (hierarchical aggregation): only a strategy that
   * {@linkplain Strategy#foldsPartialSums() folds partial sums} exactly takes it, only without a compressed downlink (the edge's clients would have
   * trained from the broadcast, not the exact model), and its weight is bounded like its clients'
   * example counts: at most {@link FederationConfig#maxExamples()} per term.
   */
  private void checkPartialSum(FitResult result, boolean broadcastDownlink) {
    if (!strategy.foldsPartialSums()) {
      throw new IllegalArgumentException("strategy " + strategy + " cannot fold in an edge aggregator's partial sum exactly"
          + " (FedAvg, FedAvgM, FedOpt and FedProx can, without differential privacy or norm bounding)");
    }
    if (broadcastDownlink) {
      throw new IllegalArgumentException("a partial sum cannot be folded in when the downlink is compressed");
    }
    double limit = (double) result.partialSum().terms() * config.maxExamples();
    if (!(result.partialSum().totalWeight() <= limit)) {
      throw new IllegalArgumentException("partial sum total weight " + result.partialSum().totalWeight() + " exceeds "
          + result.partialSum().terms() + " terms x maxExamples " + config.maxExamples());
    }
  }

  private static void validate(ClientInstruction in, FitResult result) {
    FitValidation.check(in.parameters(), result);
  }

  /**
   * The encoded size of a fit task's download in a simulation: the broadcast's encoding if the
   * client can use it (it holds the start of the encoding's base round, or the encoding is of the
   * model itself), otherwise float32. The client then holds this round's start.
   */
  private long downlinkBytes(int round, String clientId, Parameters start, Transfer transfer) {
    if (transfer.download() == null) return EncodedSize.float32(start);
    Integer held = heldStart.put(clientId, round);
    return transfer.download().encodingFor(held == null ? 0 : held)
        .map(e -> EncodedSize.encoded(e.codec(), start)).orElseGet(() -> EncodedSize.float32(start));
  }

  /** A prepared call: the instruction and what starts it. */
  private record Call<R>(ClientInstruction in, Supplier<CompletableFuture<R>> start) {}

  /**
   * Sends every instruction, then waits until all results have arrived or the deadline passes
   * (see {@link RoundPhase}: each result is folded in on the thread that delivers it and then
   * dropped). Listeners hear of each finished client if {@code notify}.
   *
   * <p>Every call is prepared first ({@code prepare}: the proxy, the task, its seed), and the
   * calls then start in a tight loop, each tracked as it starts. A call that finishes before it is
   * tracked is folded in by this thread when it is tracked, so preparing between starts would let
   * finished results (whole models) pile up while the clients started earlier keep the cores busy.
   */
  private <R> RoundPhase<R> collect(
      int round, List<ClientInstruction> instructions,
      BiFunction<ClientProxy, ClientInstruction, Supplier<CompletableFuture<R>>> prepare,
      BiConsumer<ClientInstruction, R> accept, Instant deadline, boolean concurrent, boolean notify)
      throws InterruptedException {
    if (instructions.stream().map(ClientInstruction::clientId).distinct().count() != instructions.size()) {
      throw new IllegalStateException("strategy " + strategy + " gave round " + round + " two instructions for one client");
    }
    RoundPhase<R> phase = new RoundPhase<>(round, accept, concurrent, notify ? listeners : List.of(), failureLog);
    List<Call<R>> calls = new ArrayList<>(instructions.size());
    for (ClientInstruction in : instructions) {
      Optional<ClientProxy> proxy = clients.get(in.clientId());
      if (proxy.isEmpty()) {
        phase.fail(in.clientId(), ClientFailure.Kind.ERROR, "client is no longer connected");
        continue;
      }
      try {
        calls.add(new Call<>(in, prepare.apply(proxy.get(), in)));
      } catch (RuntimeException e) {
        phase.fail(in.clientId(), ClientFailure.Kind.ERROR, RoundPhase.describe(e));
      }
    }
    for (Call<R> call : calls) {
      CompletableFuture<R> f;
      try {
        f = call.start().get();
      } catch (RuntimeException e) {
        phase.fail(call.in().clientId(), ClientFailure.Kind.ERROR, RoundPhase.describe(e));
        continue;
      }
      phase.track(call.in(), f);
    }
    phase.await(deadline);
    return phase;
  }
}
