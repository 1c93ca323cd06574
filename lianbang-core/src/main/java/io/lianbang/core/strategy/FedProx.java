package io.lianbang.core.strategy;

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

  private final double mu;

  /**
   * @param settings sampling, configuration and evaluation settings shared with FedAvg
   * @param mu the proximal coefficient μ, &ge; 0 (0 is FedAvg)
   * @throws IllegalArgumentException if μ is negative or not finite
   */
  public FedProx(FedAvg.Builder settings, double mu) {
    super(settings);
    ServerOptimizers.nonNegative("mu", mu);
    this.mu = mu;
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
}
