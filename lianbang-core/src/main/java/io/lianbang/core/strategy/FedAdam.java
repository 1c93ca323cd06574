package io.lianbang.core.strategy;

/**
 * FedAdam: {@link FedOpt} with the second moment {@code v ← β2·v + (1 − β2)·Δ²}.
 *
 * <p>Reference: S. J. Reddi et al., "Adaptive Federated Optimization", ICLR 2021 (Algorithm 2,
 * FedAdam). Defaults as in Flower: η = 0.1, β1 = 0.9, β2 = 0.99, τ = 1e-9.
 */
public final class FedAdam extends FedOpt {
  /** FedAdam with η, β1, β2 and τ, as in the paper: {@code v0 = τ²}, no bias correction. */
  public FedAdam(FedAvg.Builder settings, double eta, double beta1, double beta2, double tau) {
    super(settings, eta, beta1, beta2, tau);
  }

  /**
   * FedAdam with the initial second moment {@code v0} and optional bias correction (see
   * {@link FedOpt}); Flower's FedAdam is {@code v0 = 0} with bias correction.
   */
  public FedAdam(FedAvg.Builder settings, double eta, double beta1, double beta2, double tau, double v0,
      boolean biasCorrection) {
    super(settings, eta, beta1, beta2, tau, v0, biasCorrection);
  }

  @Override
  protected double secondMoment(double v, double d2) {
    return beta2() * v + (1 - beta2()) * d2;
  }

  /** A builder with the defaults above ({@code v0 = τ²}, no bias correction) and FedAvg's shared defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures a {@link FedAdam}; setters check their value and name the property. */
  public static final class Builder extends FedOpt.AdaptiveBuilder<Builder> {
    private Builder() {
      super(0.1, 0.9, 0.99, 1e-9);
    }

    @Override
    public FedAdam build() {
      return new FedAdam(this, eta(), beta1(), beta2(), tau(), v0(), biasCorrection());
    }
  }
}
