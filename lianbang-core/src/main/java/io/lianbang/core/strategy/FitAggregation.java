package io.lianbang.core.strategy;

import io.lianbang.core.task.FitResult;
import java.util.List;

/**
 * One round's aggregation of fit results, fed as results arrive so that a strategy whose math
 * allows it (a weighted sum) holds O(model size) memory however many clients report.
 *
 * <p>Lifecycle: the federation calls {@link #accept} once per valid result, in arrival order and
 * one call at a time (on the thread that delivered the result, never two concurrently, unless
 * {@link #concurrent()}), then {@link #complete} exactly once, from the round's thread, with the
 * failures of the round, after every {@code accept} has returned. The
 * federation keeps no reference to a result once {@code accept} returns, so an aggregation that
 * folds it in and lets go holds O(model) memory. A strategy must give the same outcome for the
 * same set of results in any arrival order.
 */
public interface FitAggregation {
  /** Adds one client's validated result. */
  void accept(String clientId, FitResult result);

  /** Finishes the round: the new global model (or empty to keep the old one) and metrics. */
  FitOutcome complete(List<ClientFailure> failures);

  /**
   * True if {@link #accept} may run on several threads at once (the aggregation guards its own
   * state): results delivered on different threads are then folded in in parallel. False by
   * default.
   */
  default boolean concurrent() {
    return false;
  }

  /**
   * The fit metric {@code name} that {@code strategy} needs from every client.
   *
   * @throws IllegalArgumentException naming the strategy, metric and client if the metric is
   *     missing, or not finite and at least {@code min}
   */
  static double requiredMetric(String strategy, String name, double min, String clientId, FitResult result) {
    double v = result.metrics().get(name).orElseThrow(() -> new IllegalArgumentException(
        strategy + " needs the fit metric " + name + ", client " + clientId + " did not report it"));
    if (!(v >= min) || !Double.isFinite(v)) {
      throw new IllegalArgumentException(strategy + " metric " + name + " must be finite and >= " + min
          + ", client " + clientId + " reported " + v);
    }
    return v;
  }
}
