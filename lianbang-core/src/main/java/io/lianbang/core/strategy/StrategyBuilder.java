package io.lianbang.core.strategy;

import io.lianbang.core.task.Config;
import java.util.function.IntFunction;

/**
 * A builder of a {@link FedAvg} subclass: FedAvg's shared settings (sampling, configuration,
 * evaluation), each setter returning the concrete builder so they chain with the strategy's own
 * hyper-parameter setters, which check their value and name the property if it is out of range.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class StrategyBuilder<B extends StrategyBuilder<B>> extends FedAvg.Builder {
  /** A builder with FedAvg's shared defaults. */
  protected StrategyBuilder() {}

  /** This builder, typed as the concrete one. */
  @SuppressWarnings("unchecked")
  protected final B self() {
    return (B) this;
  }

  @Override
  public B settings(FedAvg.Builder shared) {
    super.settings(shared);
    return self();
  }

  @Override
  public B fractionFit(double v) {
    super.fractionFit(v);
    return self();
  }

  @Override
  public B fractionEvaluate(double v) {
    super.fractionEvaluate(v);
    return self();
  }

  @Override
  public B minFitClients(int v) {
    super.minFitClients(v);
    return self();
  }

  @Override
  public B minEvaluateClients(int v) {
    super.minEvaluateClients(v);
    return self();
  }

  @Override
  public B minAvailableClients(int v) {
    super.minAvailableClients(v);
    return self();
  }

  @Override
  public B fitConfig(IntFunction<Config> v) {
    super.fitConfig(v);
    return self();
  }

  @Override
  public B evaluateConfig(IntFunction<Config> v) {
    super.evaluateConfig(v);
    return self();
  }

  @Override
  public B centralEvaluator(CentralEvaluator v) {
    super.centralEvaluator(v);
    return self();
  }

  /**
   * Builds the strategy.
   *
   * @throws IllegalArgumentException if a shared setting is out of range
   */
  @Override
  public abstract FedAvg build();
}
