package io.lianbang.core.strategy;

import io.lianbang.core.strategy.registry.StrategyParameter;

/**
 * FedYogi: {@link FedOpt} with the second moment {@code v ← v − (1 − β2)·Δ²·sign(v − Δ²)}, which
 * grows {@code v} additively rather than multiplicatively (Zaheer et al., NeurIPS 2018).
 *
 * <p>Reference: S. J. Reddi et al., "Adaptive Federated Optimization", ICLR 2021 (Algorithm 2,
 * FedYogi). Defaults as in Flower: η = 0.01, β1 = 0.9, β2 = 0.99, τ = 1e-3.
 */
public final class FedYogi extends FedOpt {
  /** η, 0.01 by default. */
  public static final StrategyParameter ETA = eta("0.01");
  /** β1, 0.9 by default. */
  public static final StrategyParameter BETA1 = beta1("0.9");
  /** τ, 1e-3 by default. */
  public static final StrategyParameter TAU = tau("1e-3");

  private FedYogi(AdaptiveBuilder<FedYogi> b) {
    super(b);
  }

  @Override
  protected double secondMoment(double v, double d2) {
    return v - (1 - beta2()) * d2 * Math.signum(v - d2);
  }

  /**
   * A builder with the defaults above, β2 = 0.99, {@code v0 = τ²}, no bias correction and FedAvg's
   * shared defaults; its setters check their value and name the property.
   */
  public static AdaptiveBuilder<FedYogi> builder() {
    return new AdaptiveBuilder<>(ETA, BETA1, TAU, FedYogi::new);
  }
}
