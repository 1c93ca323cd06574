package io.lianbang.core.strategy;

import io.lianbang.core.aggregate.ConcurrentExactSum;
import io.lianbang.core.aggregate.ExactWeightedSum;
import io.lianbang.core.aggregate.WeightedMetrics;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.tensor.Parameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Federated averaging: each round a sample of clients trains from the global model and the new
 * global model is the mean of their models weighted by their numbers of examples.
 *
 * <p>Reference: H. B. McMahan, E. Moore, D. Ramage, S. Hampson, B. Agüera y Arcas,
 * "Communication-Efficient Learning of Deep Networks from Decentralized Data", AISTATS 2017
 * (Algorithm 1).
 *
 * <p>Aggregation streams: each result is folded into an {@link ExactWeightedSum} as it arrives
 * and then dropped, so server memory is O(model size), and the aggregate is bit-identical for
 * any arrival order. Evaluation losses are averaged weighted by examples as well.
 *
 * <p>Hierarchical aggregation: a result that carries an edge aggregator's exact partial sum
 * ({@link FitResult#partialSum()}) is merged with {@link ExactWeightedSum#addAll}, so a tree of
 * edges gives the same global model, bit for bit, as the flat run over the same clients.
 */
public class FedAvg implements Strategy {
  private final ClientSampler fitSampler;
  private final ClientSampler evaluateSampler;
  private final int minAvailableClients;
  private final IntFunction<Config> fitConfig;
  private final IntFunction<Config> evaluateConfig;
  private final CentralEvaluator centralEvaluator;
  private final boolean weightedMean;
  private final int parallelFolds;
  /** The last round's accumulators, emptied and reused by the next round's aggregation. */
  private ConcurrentExactSum spare;

  /**
   * The constructor of a subclass: it inherits sampling and configuration, but not the
   * {@linkplain #aggregatesWeightedMean() weighted-mean capability}, since it may aggregate
   * otherwise; a subclass that keeps the weighted mean opts in by overriding that method.
   */
  protected FedAvg(Builder b) {
    this(b, false);
  }

  private FedAvg(Builder b, boolean weightedMean) {
    this.weightedMean = weightedMean;
    this.fitSampler = new ClientSampler(b.fractionFit, b.minFitClients);
    this.evaluateSampler = new ClientSampler(b.fractionEvaluate, b.minEvaluateClients);
    if (b.minAvailableClients < 0) {
      throw new IllegalArgumentException("minAvailableClients must be >= 0, got " + b.minAvailableClients);
    }
    this.minAvailableClients = Math.max(b.minAvailableClients, Math.max(b.minFitClients, b.minEvaluateClients));
    this.fitConfig = b.fitConfig;
    this.evaluateConfig = b.evaluateConfig;
    this.centralEvaluator = b.centralEvaluator;
    this.parallelFolds = b.parallelFolds;
  }

  /** A builder with Flower-compatible defaults: all clients train, none evaluate, at least 2. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public int minAvailableClients() {
    return minAvailableClients;
  }

  @Override
  public List<ClientInstruction> configureFit(int round, Parameters global, List<String> available, SplittableRandom rng) {
    Config config = fitConfig(round);
    List<ClientInstruction> out = new ArrayList<>();
    for (String id : fitSampler.sample(available, rng)) {
      out.add(new ClientInstruction(id, global, config));
    }
    return out;
  }

  /**
   * The training configuration sent to every client in {@code round}; strategies whose clients
   * need more settings (FedProx's μ, for instance) add their keys here.
   */
  protected Config fitConfig(int round) {
    return fitConfig.apply(round);
  }

  @Override
  public FitAggregation beginFit(RoundContext context) {
    ConcurrentExactSum sum;
    synchronized (this) {
      sum = spare;
      spare = null;
    }
    if (sum == null || !sum.fits(context.global())) {
      sum = new ConcurrentExactSum(context.global(), parallelFolds);
    } else {
      sum.clear();
    }
    return new WeightedMeanAggregation(context.global(), sum, this::giveBack);
  }

  /** Keeps {@code sum} for the next round's aggregation. */
  private synchronized void giveBack(ConcurrentExactSum sum) {
    spare = sum;
  }

  /**
   * Folds results into an exact weighted sum on the threads that deliver them, up to
   * {@link Builder#parallelFolds} at once; the outcome is their example-weighted mean.
   */
  static final class WeightedMeanAggregation implements FitAggregation {
    private final Parameters layout;
    private final ConcurrentExactSum sum;
    private final Consumer<ConcurrentExactSum> done;
    private final WeightedMetrics metrics = new WeightedMetrics();

    /** @param done takes {@code sum} back once the outcome no longer needs it */
    WeightedMeanAggregation(Parameters layout, ConcurrentExactSum sum, Consumer<ConcurrentExactSum> done) {
      this.layout = layout;
      this.sum = sum;
      this.done = done;
    }

    /** Adds a client's model, or folds in an edge aggregator's exact partial sum (bit for bit the flat sum). */
    @Override
    public void accept(String clientId, FitResult result) {
      if (result.isPartialSum()) sum.addAll(ExactWeightedSum.of(layout, result.partialSum()));
      else sum.add(result.parameters(), result.numExamples());
      synchronized (metrics) {
        metrics.add(clientId, result.metrics(), result.numExamples());
      }
    }

    @Override
    public boolean concurrent() {
      return true;
    }

    @Override
    public FitOutcome complete(List<ClientFailure> failures) {
      ExactWeightedSum total = sum.merged();
      Optional<Parameters> mean = total.terms() == 0 ? Optional.empty() : Optional.of(total.mean());
      done.accept(sum);
      return new FitOutcome(mean, metrics.mean());
    }
  }

  @Override
  public List<ClientInstruction> configureEvaluate(int round, Parameters global, List<String> available, SplittableRandom rng) {
    Config config = evaluateConfig.apply(round);
    List<ClientInstruction> out = new ArrayList<>();
    for (String id : evaluateSampler.sample(available, rng)) {
      out.add(new ClientInstruction(id, global, config));
    }
    return out;
  }

  @Override
  public Optional<EvalResult> aggregateEvaluate(int round, List<ClientResult<EvalResult>> results, List<ClientFailure> failures) {
    if (results.isEmpty()) return Optional.empty();
    WeightedMetrics m = new WeightedMetrics();
    long examples = 0;
    double lossSum = 0;
    for (ClientResult<EvalResult> r : results) {
      long n = r.result().numExamples();
      examples += n;
      lossSum += r.result().loss() * n;
      m.add(r.clientId(), r.result().metrics(), n);
    }
    return Optional.of(new EvalResult(examples > 0 ? lossSum / examples : Double.NaN, examples, m.mean()));
  }

  @Override
  public Optional<EvalResult> evaluate(int round, Parameters global) {
    return centralEvaluator == null ? Optional.empty() : Optional.of(centralEvaluator.evaluate(round, global));
  }

  /**
   * True for the FedAvg its {@link Builder} builds, which opts in; false for a subclass (see
   * {@link #FedAvg(Builder)}) unless it overrides this.
   */
  @Override
  public boolean aggregatesWeightedMean() {
    return weightedMean;
  }

  /**
   * True when {@link #beginFit} is FedAvg's exact weighted-mean aggregation, which merges partial
   * sums with {@link ExactWeightedSum#addAll}: FedAvg and the strategies that build on it (FedAvgM,
   * FedOpt, FedProx).
   */
  @Override
  public boolean foldsPartialSums() {
    return aggregatesWeightedMean();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName();
  }

  /** Configures a {@link FedAvg}. */
  public static class Builder {
    private double fractionFit = 1.0;
    private double fractionEvaluate = 0.0;
    private int minFitClients = 2;
    private int minEvaluateClients = 0;
    private int minAvailableClients = 2;
    private IntFunction<Config> fitConfig = r -> Config.empty();
    private IntFunction<Config> evaluateConfig = r -> Config.empty();
    private CentralEvaluator centralEvaluator;
    private int parallelFolds = 1;

    protected Builder() {}

    /**
     * Copies every setting of {@code shared} (sampling, configuration, evaluation) into this
     * builder, so that another strategy's builder starts from settings made for FedAvg.
     */
    public Builder settings(Builder shared) {
      this.fractionFit = shared.fractionFit;
      this.fractionEvaluate = shared.fractionEvaluate;
      this.minFitClients = shared.minFitClients;
      this.minEvaluateClients = shared.minEvaluateClients;
      this.minAvailableClients = shared.minAvailableClients;
      this.fitConfig = shared.fitConfig;
      this.evaluateConfig = shared.evaluateConfig;
      this.centralEvaluator = shared.centralEvaluator;
      this.parallelFolds = shared.parallelFolds;
      return this;
    }

    /**
     * The most results folded into the round's sum at the same time, each into a partial sum of
     * its own (they add up to the same bits; 24 bytes per model value each when more than one, see
     * {@link io.lianbang.core.aggregate.ConcurrentExactSum}). Default 1: one partial
     * sum, so memory stays at one accumulator however many results arrive at once. A simulation
     * sets its worker thread count, so that clients finishing together fold in together.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public Builder parallelFolds(int n) {
      if (n < 1) throw new IllegalArgumentException("parallelFolds must be >= 1, got " + n);
      this.parallelFolds = n;
      return this;
    }

    /** Share of available clients that train each round, in [0, 1]. */
    public Builder fractionFit(double v) {
      this.fractionFit = v;
      return this;
    }

    /** Share of available clients that evaluate each round, in [0, 1]. */
    public Builder fractionEvaluate(double v) {
      this.fractionEvaluate = v;
      return this;
    }

    /** Least number of clients that train each round. */
    public Builder minFitClients(int v) {
      this.minFitClients = v;
      return this;
    }

    /** Least number of clients that evaluate each round. */
    public Builder minEvaluateClients(int v) {
      this.minEvaluateClients = v;
      return this;
    }

    /** Least number of connected clients before a round starts. */
    public Builder minAvailableClients(int v) {
      this.minAvailableClients = v;
      return this;
    }

    /** The training configuration sent in each round. */
    public Builder fitConfig(IntFunction<Config> v) {
      this.fitConfig = Objects.requireNonNull(v, "fitConfig");
      return this;
    }

    /** The evaluation configuration sent in each round. */
    public Builder evaluateConfig(IntFunction<Config> v) {
      this.evaluateConfig = Objects.requireNonNull(v, "evaluateConfig");
      return this;
    }

    /** Server-side evaluation of the global model after every round. */
    public Builder centralEvaluator(CentralEvaluator v) {
      this.centralEvaluator = v;
      return this;
    }

    /**
     * Builds the strategy.
     *
     * @throws IllegalArgumentException if a fraction is outside [0, 1] or a minimum is negative
     */
    public FedAvg build() {
      return new FedAvg(this, true);
    }
  }
}
