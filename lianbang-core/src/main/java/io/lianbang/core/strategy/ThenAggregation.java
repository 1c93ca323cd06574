package io.lianbang.core.strategy;

import io.lianbang.core.task.FitResult;
import io.lianbang.core.tensor.Parameters;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * An aggregation whose new model is post-processed (a server optimizer step on the averaged
 * model, for instance). An empty outcome stays empty and {@code then} is not called.
 */
final class ThenAggregation implements FitAggregation {
  private final FitAggregation inner;
  private final UnaryOperator<Parameters> then;

  ThenAggregation(FitAggregation inner, UnaryOperator<Parameters> then) {
    this.inner = inner;
    this.then = then;
  }

  @Override
  public void accept(String clientId, FitResult result) {
    inner.accept(clientId, result);
  }

  @Override
  public boolean concurrent() {
    return inner.concurrent();
  }

  @Override
  public FitOutcome complete(List<ClientFailure> failures) {
    FitOutcome o = inner.complete(failures);
    return new FitOutcome(o.parameters().map(then), o.metrics());
  }
}
