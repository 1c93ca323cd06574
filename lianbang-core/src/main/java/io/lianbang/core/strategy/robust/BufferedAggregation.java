package io.lianbang.core.strategy.robust;

import io.lianbang.core.aggregate.WeightedMetrics;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.strategy.FitAggregation;
import io.lianbang.core.strategy.FitOutcome;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.tensor.Parameters;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An aggregation that needs every client's model at once (order statistics, pairwise distances).
 * Results are buffered flattened, keyed by client id, so memory is O(n × model size) for n
 * clients; at completion the models are handed over sorted by client id, which makes the outcome
 * independent of arrival order. Training metrics are example-weighted means as in FedAvg.
 */
abstract class BufferedAggregation implements FitAggregation {
  private static final Logger log = LoggerFactory.getLogger(BufferedAggregation.class);

  private final Parameters global;
  private final int round;
  private final TreeMap<String, float[]> models = new TreeMap<>();
  private final TreeMap<String, Long> examples = new TreeMap<>();
  private final WeightedMetrics metrics = new WeightedMetrics();

  BufferedAggregation(int round, Parameters global) {
    this.round = round;
    this.global = global;
  }

  @Override
  public final void accept(String clientId, FitResult result) {
    models.put(clientId, result.parameters().flatten());
    examples.put(clientId, result.numExamples());
    metrics.add(clientId, result.metrics(), result.numExamples());
  }

  /**
   * The aggregate of {@code rows} (client models flattened, sorted by client id), or null to keep
   * the global model.
   */
  abstract float[] aggregate(float[][] rows);

  /** The clients' example counts, in the order of {@link #aggregate}'s rows. */
  final double[] examples() {
    return examples.values().stream().mapToDouble(Long::doubleValue).toArray();
  }

  @Override
  public final FitOutcome complete(List<ClientFailure> failures) {
    if (models.isEmpty()) return new FitOutcome(Optional.empty(), metrics.mean());
    float[] out;
    try {
      out = aggregate(models.values().toArray(new float[0][]));
    } catch (IllegalArgumentException e) {
      log.warn("round {}: {}; the model is unchanged", round, e.getMessage());
      out = null;
    }
    if (out == null) return new FitOutcome(Optional.empty(), metrics.mean());
    return new FitOutcome(Optional.of(Parameters.unflatten(global.shapes(), out)), metrics.mean());
  }
}
