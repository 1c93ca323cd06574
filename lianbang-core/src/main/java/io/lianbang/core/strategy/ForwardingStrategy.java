package io.lianbang.core.strategy;

import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A strategy that forwards every call to {@link #delegate()}: the base of decorators (norm
 * bounding, secure aggregation, differential privacy) that change one or two steps of the
 * strategy they wrap. Subclasses override what they change.
 *
 * <p>{@link #aggregatesWeightedMean()} is not forwarded: it returns false unless a subclass
 * overrides it, because a decorator changes what it aggregates, and whether the wrapped strategy
 * needs only the weighted mean says nothing about whether the decorator does.
 */
public abstract class ForwardingStrategy implements Strategy {
  /** The wrapped strategy every call goes to. */
  protected abstract Strategy delegate();

  @Override
  public Parameters initialize(Parameters initial) {
    return delegate().initialize(initial);
  }

  @Override
  public int minAvailableClients() {
    return delegate().minAvailableClients();
  }

  @Override
  public List<ClientInstruction> configureFit(int round, Parameters global, List<String> available, SplittableRandom rng) {
    return delegate().configureFit(round, global, available, rng);
  }

  @Override
  public FitAggregation beginFit(RoundContext context) {
    return delegate().beginFit(context);
  }

  @Override
  public List<ClientInstruction> configureEvaluate(int round, Parameters global, List<String> available, SplittableRandom rng) {
    return delegate().configureEvaluate(round, global, available, rng);
  }

  @Override
  public Optional<EvalResult> aggregateEvaluate(int round, List<ClientResult<EvalResult>> results, List<ClientFailure> failures) {
    return delegate().aggregateEvaluate(round, results, failures);
  }

  @Override
  public Optional<EvalResult> evaluate(int round, Parameters global) {
    return delegate().evaluate(round, global);
  }

  /**
   * Runs the delegate's aggregation of the round {@code context} on one result: {@code combined}, reported as
   * client {@code id} with weight {@code totalWeight} rounded to a whole number of examples (at
   * least 1) and no metrics. This is how a decorator that computes the round's weighted mean itself
   * lets the delegate's server-side update (plain averaging, server momentum, FedAdam, ...) apply
   * unchanged.
   */
  protected final FitOutcome aggregateCombined(RoundContext context, String id, Parameters combined,
                                               double totalWeight, List<ClientFailure> failures) {
    FitAggregation in = delegate().beginFit(context);
    in.accept(id, new FitResult(combined, Math.max(1, Math.round(totalWeight)), Metrics.empty()));
    return in.complete(failures);
  }

  /** The delegate's state; a decorator with state of its own must combine the two. */
  @Override
  public byte[] exportState() {
    return delegate().exportState();
  }

  @Override
  public void importState(byte[] state) {
    delegate().importState(state);
  }
}
