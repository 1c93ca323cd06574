package io.lianbang.core.strategy;

import static io.lianbang.core.strategy.registry.ParameterRange.NON_NEGATIVE;
import static io.lianbang.core.strategy.registry.StrategyParameter.of;

import io.lianbang.core.strategy.registry.StrategyParameter;
import io.lianbang.core.task.Config;

/**
 * FedProx: federated averaging whose clients minimise their local loss plus the proximal term
 * {@code μ/2 · ‖w − w_global‖²}, which keeps local models near the global one under heterogeneous
 * data and local work. The server side is FedAvg; the strategy sends μ to the clients in the fit
 * configuration under {@link #PROXIMAL_MU}, and clients that understand it (the engine's
 * {@code EngineClient}) add {@code μ·(w − w_global)} to every gradient.
 *
 * <p>Reference: T. Li, A. K. Sahu, M. Zaheer, M. Sanjabi, A. Talwalkar, V. Smith, "Federated
 * Optimization in Heterogeneous Networks", MLSys 2020.
 */
public final class FedProx extends FedAvg {
  /** The fit configuration key carrying μ. */
  public static final String PROXIMAL_MU = "proximal_mu";

  /** The proximal coefficient μ (0 is FedAvg). */
  public static final StrategyParameter MU = of("mu", "0.01", NON_NEGATIVE,
      "weight of the proximal term mu/2 |w - w_global|^2 in the client objective");

  private final double mu;

  private FedProx(Builder b) {
    super(b);
    this.mu = b.mu;
  }

  /** A builder with the default μ above and FedAvg's shared defaults. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  protected Config fitConfig(int round) {
    return super.fitConfig(round).with(PROXIMAL_MU, mu);
  }

  @Override
  public String toString() {
    return "FedProx(mu=" + mu + ")";
  }

  /** The server-side step consumes only the weighted mean of the results. */
  @Override
  public boolean aggregatesWeightedMean() {
    return true;
  }

  /** Configures a {@link FedProx}; setters check their value and name the property. */
  public static final class Builder extends StrategyBuilder<Builder> {
    private double mu = MU.defaultValue();

    private Builder() {}

    /** The proximal coefficient μ, &ge; 0 (0 is FedAvg). */
    public Builder mu(double v) {
      this.mu = MU.check("mu", v);
      return this;
    }

    @Override
    public FedProx build() {
      return new FedProx(this);
    }
  }
}
