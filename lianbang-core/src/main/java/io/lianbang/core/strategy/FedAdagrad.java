package io.lianbang.core.strategy;

import io.lianbang.core.strategy.registry.StrategyParameter;

/**
 * FedAdagrad: {@link FedOpt} with the second moment {@code v ← v + Δ²}.
 *
 * <p>Reference: S. J. Reddi et al., "Adaptive Federated Optimization", ICLR 2021 (Algorithm 2,
 * FedAdagrad). Defaults as in Flower: η = 0.1, β1 = 0, τ = 1e-9.
 */
public final class FedAdagrad extends FedOpt {
  /** η, 0.1 by default. */
  public static final StrategyParameter ETA = eta("0.1");
  /** β1, 0 by default (Flower fixes it at 0). */
  public static final StrategyParameter BETA1 = beta1("0");
  /** τ, 1e-9 by default. */
  public static final StrategyParameter TAU = tau("1e-9");

  private FedAdagrad(Builder b) {
    super(b);
  }

  @Override
  protected double secondMoment(double v, double d2) {
    return v + d2;
  }

  /** A builder with the defaults above ({@code v0 = τ²}, no bias correction) and FedAvg's shared defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures a {@link FedAdagrad}; setters check their value and name the property. */
  public static final class Builder extends FedOpt.Builder<Builder> {
    private Builder() {
      super(ETA, BETA1, TAU);
    }

    @Override
    public FedAdagrad build() {
      return new FedAdagrad(this);
    }
  }
}
