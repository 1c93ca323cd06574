package io.lianbang.core.strategy;

/**
 * FedYogi: {@link FedOpt} with the second moment {@code v ← v − (1 − β2)·Δ²·sign(v − Δ²)}, which
 * grows {@code v} additively rather than multiplicatively (Zaheer et al., NeurIPS 2018).
 *
 * <p>Reference: S. J. Reddi et al., "Adaptive Federated Optimization", ICLR 2021 (Algorithm 2,
 * FedYogi). Defaults as in Flower: η = 0.01, β1 = 0.9, β2 = 0.99, τ = 1e-3.
 */
public final class FedYogi extends FedOpt {
  /** FedYogi with η, β1, β2 and τ, as in the paper: {@code v0 = τ²}, no bias correction. */
  public FedYogi(FedAvg.Builder settings, double eta, double beta1, double beta2, double tau) {
    super(settings, eta, beta1, beta2, tau);
  }

  /**
   * FedYogi with the initial second moment {@code v0} and optional bias correction (see
   * {@link FedOpt}); Flower's FedYogi is {@code v0 = 0} without bias correction.
   */
  public FedYogi(FedAvg.Builder settings, double eta, double beta1, double beta2, double tau, double v0,
      boolean biasCorrection) {
    super(settings, eta, beta1, beta2, tau, v0, biasCorrection);
  }

  @Override
  protected double secondMoment(double v, double d2) {
    return v - (1 - beta2()) * d2 * Math.signum(v - d2);
  }

  /** A builder with the defaults above ({@code v0 = τ²}, no bias correction) and FedAvg's shared defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** Configures a {@link FedYogi}; setters check their value and name the property. */
  public static final class Builder extends FedOpt.AdaptiveBuilder<Builder> {
    private Builder() {
      super(0.01, 0.9, 0.99, 1e-3);
    }

    @Override
    public FedYogi build() {
      return new FedYogi(this, eta(), beta1(), beta2(), tau(), v0(), biasCorrection());
    }
  }
}
