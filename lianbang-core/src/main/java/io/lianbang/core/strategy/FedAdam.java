package io.lianbang.core.strategy;

import io.lianbang.core.strategy.registry.StrategyParameter;

/**
 * FedAdam: {@link FedOpt} with the second moment {@code v ← β2·v + (1 − β2)·Δ²}.
 *
 * <p>Reference: S. J. Reddi et al., "Adaptive Federated Optimization", ICLR 2021 (Algorithm 2,
 * FedAdam). Defaults as in Flower: η = 0.1, β1 = 0.9, β2 = 0.99, τ = 1e-9.
 */
public final class FedAdam extends FedOpt {
  /** η, 0.1 by default. */
  public static final StrategyParameter ETA = eta("0.1");
  /** β1, 0.9 by default. */
  public static final StrategyParameter BETA1 = beta1("0.9");
  /** τ, 1e-9 by default. */
  public static final StrategyParameter TAU = tau("1e-9");

  private FedAdam(AdaptiveBuilder<FedAdam> b) {
    super(b);
  }

  @Override
  protected double secondMoment(double v, double d2) {
    return beta2() * v + (1 - beta2()) * d2;
  }

  /**
   * A builder with the defaults above, β2 = 0.99, {@code v0 = τ²}, no bias correction and FedAvg's
   * shared defaults; its setters check their value and name the property.
   */
  public static AdaptiveBuilder<FedAdam> builder() {
    return new AdaptiveBuilder<>(ETA, BETA1, TAU, FedAdam::new);
  }
}
