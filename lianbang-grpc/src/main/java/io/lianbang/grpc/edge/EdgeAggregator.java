package io.lianbang.grpc.edge;

import io.grpc.Channel;
import io.lianbang.core.aggregate.ExactWeightedSum;
import io.lianbang.core.aggregate.WeightedMetrics;
import io.lianbang.core.client.Client;
import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.Deadlines;
import io.lianbang.core.federation.ClientPool;
import io.lianbang.core.federation.FitValidation;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.server.FederationServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An edge aggregator: a server for its own clients and a client of its parent server (a regional
 * hospital network under a national server, a cell tower under a cloud). For each fit task of the
 * parent it trains every client connected to it from the parent's model with the parent's
 * configuration, folds their models into an {@link ExactWeightedSum} and answers with the sum's
 * exact state, never an individual update and never a rounded mean; the parent merges the states
 * with {@link ExactWeightedSum#addAll}, so two levels give the global model of the flat run over
 * the same clients bit for bit. Evaluation tasks likewise: the edge answers with its clients'
 * example-weighted mean loss and their example count, which the parent weights by that count.
 *
 * <p>Faithfulness to the flat run: each client's fit seed is {@link FitTask#seedFor}(runSeed, clientId,
 * round), as the flat server derives it; results are validated and their
 * example counts clipped as the flat federation does. Sampling: the edge asks <em>all</em> its
 * connected clients every round (the parent samples edges, not clients); a flat run with FedAvg's
 * default {@code fractionFit = 1} asks the same clients.
 *
 * <p>Reference: Liu, Zhang, Song, Letaief, "Client-Edge-Cloud Hierarchical Federated Learning",
 * IEEE ICC 2020 (HierFAVG), here with one edge aggregation per cloud round and exact sums.
 */
public final class EdgeAggregator implements Client {
  private static final Logger log = LoggerFactory.getLogger(EdgeAggregator.class);

  private final ClientPool clients;
  private final EdgeSettings settings;

  /**
   * @param clients the edge's own clients (its {@link FederationServer#clients()})
   * @param settings the edge's identity, the parent's run seed and the deadlines
   */
  public EdgeAggregator(ClientPool clients, EdgeSettings settings) {
    this.clients = Objects.requireNonNull(clients, "clients");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /**
   * Serves {@code edge} to the parent behind {@code parent} until the parent ends the run, then
   * tells the edge's own clients the run is over.
   *
   * @param own the edge's server for its clients
   * @param clientSettings how the edge talks to its parent (its name is the edge's identity)
   * @return what the edge did as the parent's client
   */
  public static FederationClient.Summary serve(FederationServer own, Channel parent, ClientSettings clientSettings,
      EdgeSettings settings) throws InterruptedException {
    EdgeAggregator edge = new EdgeAggregator(own.clients(), settings);
    FederationClient.Summary s = new FederationClient(parent, edge, clientSettings).run();
    own.finish("the parent ended the run: " + s.finishReason(), Duration.ofSeconds(10));
    return s;
  }

  /**
   * Trains all connected clients and returns their exact partial sum.
   *
   * @throws IllegalStateException if the parent runs secure or Paillier aggregation (the task's
   *     configuration says {@code secagg} or {@code paillier}), the task's seed was not derived from {@link
   *     EdgeSettings#runSeed()} and {@link EdgeSettings#edgeId()} (the edge would give its clients
   *     other seeds than the flat run), too few clients connected, or none returned a valid result
   */
  @Override
  public FitResult fit(FitTask task) {
    int round = task.round();
    long expected = FitTask.seedFor(settings.runSeed(), settings.edgeId(), round);
    if (task.seed() != expected) {
      throw new IllegalStateException("edge " + settings.edgeId() + ": the parent's task seed does not derive from the configured run seed "
          + settings.runSeed() + " and edge id; set the edge's seed to the parent's and its id to the identity the parent authenticates");
    }
    for (String key : List.of("secagg", "paillier")) {
      if (task.config().getBoolean(key, false)) {
        throw new IllegalStateException("edge " + settings.edgeId() + ": the parent runs " + key
            + " aggregation, which an edge aggregator does not take part in (its answer is a plain exact sum)");
      }
    }
    List<String> ids = awaitClients(round);
    Instant deadline = Instant.now().plus(settings.roundTimeout());
    Map<String, CompletableFuture<FitResult>> pending = new TreeMap<>();
    for (String id : ids) {
      clients.get(id).ifPresent(p -> pending.put(id, send(p, new FitTask(round, task.parameters(), task.config(),
          FitTask.seedFor(settings.runSeed(), id, round)), deadline)));
    }
    ExactWeightedSum sum = new ExactWeightedSum(task.parameters());
    WeightedMetrics metrics = new WeightedMetrics();
    int failed = 0;
    for (Map.Entry<String, CompletableFuture<FitResult>> e : pending.entrySet()) {
      try {
        FitResult r = await(e.getValue(), deadline);
        if (r.isPartialSum()) throw new IllegalArgumentException("a client of an edge cannot send a partial sum");
        FitValidation.check(task.parameters(), r);
        long examples = Math.min(r.numExamples(), settings.maxExamples());
        sum.add(r.parameters(), examples);
        metrics.add(e.getKey(), r.metrics(), examples);
      } catch (RuntimeException | TimeoutException | ExecutionException ex) {
        failed++;
        e.getValue().cancel(true);
        log.warn("edge {} round {}: client {} failed: {}", settings.edgeId(), round, e.getKey(), describe(ex));
      }
    }
    if (sum.terms() == 0) {
      throw new IllegalStateException("edge " + settings.edgeId() + " round " + round + ": none of its " + ids.size()
          + " clients returned a valid result");
    }
    log.info("edge {} round {}: {} of {} clients summed ({} failed), weight {}", settings.edgeId(), round, sum.terms(),
        ids.size(), failed, sum.totalWeight());
    return FitResult.ofPartialSum(sum, metrics.mean());
  }

  /**
   * Evaluates on all connected clients; returns their example-weighted mean loss over their total
   * example count (the parent weights it by that count: it adds loss·n and n).
   *
   * @throws IllegalStateException if too few clients connected or none returned a valid result
   */
  @Override
  public EvalResult evaluate(EvalTask task) {
    List<String> ids = awaitClients(task.round());
    Instant deadline = Instant.now().plus(settings.evaluateTimeout());
    Map<String, CompletableFuture<EvalResult>> pending = new TreeMap<>();
    for (String id : ids) clients.get(id).ifPresent(p -> pending.put(id, evaluate(p, task, deadline)));
    WeightedMetrics metrics = new WeightedMetrics();
    long examples = 0;
    double lossSum = 0;
    for (Map.Entry<String, CompletableFuture<EvalResult>> e : pending.entrySet()) { // in client-id order
      try {
        EvalResult r = await(e.getValue(), deadline);
        if (r.numExamples() < 0 || !Double.isFinite(r.loss())) {
          throw new IllegalArgumentException("evaluation loss " + r.loss() + " over " + r.numExamples() + " examples is invalid");
        }
        long n = Math.min(r.numExamples(), settings.maxExamples());
        examples += n;
        lossSum += r.loss() * n;
        metrics.add(e.getKey(), r.metrics(), n);
      } catch (RuntimeException | TimeoutException | ExecutionException ex) {
        e.getValue().cancel(true);
        log.warn("edge {} evaluation of round {}: client {} failed: {}", settings.edgeId(), task.round(), e.getKey(), describe(ex));
      }
    }
    if (examples == 0) {
      throw new IllegalStateException("edge " + settings.edgeId() + " round " + task.round() + ": no client evaluated any example");
    }
    return new EvalResult(lossSum / examples, examples, metrics.mean());
  }

  private List<String> awaitClients(int round) {
    try {
      if (!clients.awaitAvailable(settings.minClients(), Instant.now().plus(settings.waitForClients()))) {
        throw new IllegalStateException("edge " + settings.edgeId() + " round " + round + ": needed " + settings.minClients()
            + " clients but only " + clients.available().size() + " connected within " + settings.waitForClients());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("edge " + settings.edgeId() + " interrupted while waiting for clients", e);
    }
    return new ArrayList<>(clients.available());
  }

  private static CompletableFuture<FitResult> send(ClientProxy p, FitTask task, Instant deadline) {
    try {
      return p.fit(task, deadline);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static CompletableFuture<EvalResult> evaluate(ClientProxy p, EvalTask task, Instant deadline) {
    try {
      return p.evaluate(task, deadline);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static <R> R await(CompletableFuture<R> f, Instant deadline) throws TimeoutException, ExecutionException {
    try {
      return f.get(Math.max(0, Deadlines.nanosLeft(deadline)), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for a client", e);
    }
  }

  private static String describe(Throwable t) {
    Throwable c = t instanceof ExecutionException && t.getCause() != null ? t.getCause() : t;
    return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
  }
}
