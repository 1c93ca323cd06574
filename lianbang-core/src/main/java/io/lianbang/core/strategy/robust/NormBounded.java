package io.lianbang.core.strategy.robust;

import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.strategy.FitAggregation;
import io.lianbang.core.strategy.FitOutcome;
import io.lianbang.core.strategy.ForwardingStrategy;
import io.lianbang.core.strategy.RoundContext;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.tensor.ParameterMath;
import io.lianbang.core.tensor.Parameters;
import java.util.List;
import java.util.Objects;

/**
 * Norm bounding: wraps any strategy and, before a result reaches it, scales the client's update
 * {@code Δ = x_i − x} down to L2 norm at most {@code bound}:
 * {@code x_i ← x + Δ · min(1, bound / ‖Δ‖)}. This caps what one client (a model-replacement
 * attacker, for instance) can move the model. Streaming is preserved: each result is clipped as it
 * arrives.
 *
 * <p>Reference: Z. Sun, P. Kairouz, A. T. Suresh, H. B. McMahan, "Can You Really Backdoor
 * Federated Learning?", arXiv:1911.07963, 2019 (norm thresholding of updates).
 */
public final class NormBounded extends ForwardingStrategy {
  private final Strategy inner;
  private final double bound;

  /**
   * @param inner the strategy that aggregates the clipped results
   * @param bound the largest update norm, &gt; 0
   * @throws IllegalArgumentException if the bound is not positive and finite
   */
  public NormBounded(Strategy inner, double bound) {
    this.inner = Objects.requireNonNull(inner, "inner");
    if (!(bound > 0) || !Double.isFinite(bound)) throw new IllegalArgumentException("norm_bound must be > 0, got " + bound);
    this.bound = bound;
  }

  @Override
  protected Strategy delegate() {
    return inner;
  }

  /** {@code update} clipped to norm {@code bound} around {@code global}; the same object if within. */
  public static Parameters clip(Parameters global, Parameters update, double bound) {
    double norm = ParameterMath.distance(update, global);
    if (norm <= bound) return update;
    double s = bound / norm;
    return ParameterMath.zip(global, update, (k, x, y) -> (float) (x + ((double) y - x) * s));
  }

  @Override
  public FitAggregation beginFit(RoundContext context) {
    Parameters global = context.global();
    FitAggregation agg = inner.beginFit(context);
    return new FitAggregation() {
      @Override
      public void accept(String clientId, FitResult r) {
        if (r.parameters().count() != global.count()) {
          throw new IllegalArgumentException("norm bounding applies to model-only results, got "
              + r.parameters().count() + " tensors for a model of " + global.count());
        }
        agg.accept(clientId, new FitResult(clip(global, r.parameters(), bound), r.numExamples(), r.metrics()));
      }

      @Override
      public FitOutcome complete(List<ClientFailure> failures) {
        return agg.complete(failures);
      }
    };
  }

  @Override
  public String toString() {
    return "NormBounded(" + inner + ", bound=" + bound + ")";
  }
}
