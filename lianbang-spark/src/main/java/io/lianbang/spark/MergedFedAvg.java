package io.lianbang.spark;

import io.lianbang.core.aggregate.ExactWeightedSum;
import io.lianbang.core.aggregate.WeightedMetrics;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.FedProx;
import io.lianbang.core.strategy.FitAggregation;
import io.lianbang.core.strategy.FitOutcome;
import io.lianbang.core.strategy.ForwardingStrategy;
import io.lianbang.core.strategy.RoundContext;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.task.FitResult;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Federated averaging (McMahan et al., "Communication-Efficient Learning of Deep Networks from
 * Decentralized Data", AISTATS 2017; or FedProx, Li et al., MLSys 2020, whose server side is the
 * same) whose weighted sum is computed by the round's Spark job: the executors sum the updates of
 * their partitions exactly and the partial sums merge with {@link ExactWeightedSum#addAll}, so the
 * new global model, {@link ExactWeightedSum#mean()} of the merged sum, is bit for bit the one
 * {@link FedAvg} computes from the individual updates. The fit metrics are averaged on the driver
 * from the clients' reports exactly as FedAvg averages them.
 *
 * <p>The federation still sees one result per client, a receipt carrying the example count and
 * metrics; the aggregation checks that the clients it accepted are exactly those in the merged sum
 * with the same total weight. If they differ (a deadline passed while the job's results were being
 * handed over), the sum cannot be split, so the round keeps the old model and says so in the log.
 */
final class MergedFedAvg extends ForwardingStrategy {
  private static final Logger log = LoggerFactory.getLogger(MergedFedAvg.class);
  private final Strategy inner;
  private final SparkRounds rounds;

  /**
   * @throws IllegalArgumentException naming {@code strategy.name} if {@code inner} is not plain
   *     FedAvg or FedProx
   */
  MergedFedAvg(Strategy inner, SparkRounds rounds) {
    if (inner.getClass() != FedAvg.class && inner.getClass() != FedProx.class) {
      throw new IllegalArgumentException("strategy.name: backend spark supports fedavg and fedprox, got " + inner);
    }
    this.inner = inner;
    this.rounds = rounds;
  }

  @Override
  protected Strategy delegate() {
    return inner;
  }

  @Override
  public FitAggregation beginFit(RoundContext context) {
    rounds.begin(context);
    return new Aggregation(context);
  }

  @Override
  public String toString() {
    return inner.toString();
  }

  /** Collects the receipts; completes with the mean of the round's merged exact sum. */
  private final class Aggregation implements FitAggregation {
    private final RoundContext context;
    private final WeightedMetrics metrics = new WeightedMetrics();
    private final TreeMap<String, Long> weights = new TreeMap<>();

    Aggregation(RoundContext context) {
      this.context = context;
    }

    @Override
    public void accept(String clientId, FitResult result) {
      metrics.add(clientId, result.metrics(), result.numExamples());
      weights.put(clientId, result.numExamples());
    }

    @Override
    public FitOutcome complete(List<ClientFailure> failures) {
      if (weights.isEmpty()) return new FitOutcome(Optional.empty(), metrics.mean());
      PartialRound merged = rounds.result(context.round());
      String mismatch = mismatch(merged);
      if (mismatch != null) {
        log.warn("round {}: the Spark job's sum does not match the accepted clients ({}); the model is unchanged",
            context.round(), mismatch);
        return new FitOutcome(Optional.empty(), metrics.mean());
      }
      return new FitOutcome(Optional.of(merged.toSum(context.global()).mean()), metrics.mean());
    }

    private String mismatch(PartialRound merged) {
      if (merged == null || merged.sum() == null) return "the job produced no sum";
      TreeMap<String, Long> summed = new TreeMap<>();
      merged.outcomes().forEach((id, o) -> {
        if (o.error() == null) summed.put(id, o.examples());
      });
      if (!summed.equals(weights)) return "summed " + summed.keySet() + ", accepted " + weights.keySet() + " (with their weights)";
      if (merged.sum().terms() != weights.size()) return "the sum has " + merged.sum().terms() + " terms for " + weights.size() + " clients";
      return null;
    }
  }
}
