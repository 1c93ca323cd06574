package io.lianbang.core.strategy;

/**
 * FedAdagrad: {@link FedOpt} with the second moment {@code v ← v + Δ²}.
 *
 * <p>Reference: S. J. Reddi et al., "Adaptive Federated Optimization", ICLR 2021 (Algorithm 2,
 * FedAdagrad). Defaults as in Flower: η = 0.1, β1 = 0, τ = 1e-9.
 */
public final class FedAdagrad extends FedOpt {
  /** FedAdagrad with η, β1 and τ (β2 is unused), as in the paper: {@code v0 = τ²}. */
  public FedAdagrad(FedAvg.Builder settings, double eta, double beta1, double tau) {
    super(settings, eta, beta1, 0, tau);
  }

  /**
   * FedAdagrad with the initial second moment {@code v0} (see {@link FedOpt}), without bias
   * correction; Flower's FedAdagrad is {@code v0 = 0} with β1 = 0.
   */
  public FedAdagrad(FedAvg.Builder settings, double eta, double beta1, double tau, double v0) {
    super(settings, eta, beta1, 0, tau, v0, false);
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
      super(0.1, 0, 0, 1e-9);
    }

    @Override
    public FedAdagrad build() {
      return new FedAdagrad(this, eta(), beta1(), tau(), v0());
    }
  }
}
