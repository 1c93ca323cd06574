package io.lianbang.core.strategy;

import static io.lianbang.core.strategy.registry.ParameterRange.UNIT;
import static io.lianbang.core.strategy.registry.StrategyParameter.of;

import io.lianbang.core.aggregate.ExactWeightedSum;
import io.lianbang.core.aggregate.WeightedMetrics;
import io.lianbang.core.strategy.registry.StrategyParameter;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.tensor.ParameterMath;
import io.lianbang.core.tensor.Parameters;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * FedNova: normalised averaging that removes the bias FedAvg suffers when clients run different
 * numbers of local steps. Client {@code i}, which ran {@code τ_i} local SGD steps with momentum ρ
 * and reports {@code τ_i} as the metric {@value #LOCAL_STEPS}, contributes its normalised update
 * {@code d_i = (x − x_i) / a_i} with {@code a_i = [τ_i − ρ(1 − ρ^τ_i)/(1 − ρ)] / (1 − ρ)}
 * ({@code a_i = τ_i} without momentum). With {@code p_i = n_i / Σn} the new model is
 * <pre>  x ← x − (Σ p_i a_i) · Σ p_i d_i</pre>
 * When every client runs the same number of steps this is exactly FedAvg.
 *
 * <p>Reference: J. Wang, Q. Liu, H. Liang, G. Joshi, H. V. Poor, "Tackling the Objective
 * Inconsistency Problem in Heterogeneous Federated Optimization", NeurIPS 2020; the momentum
 * form of {@code a_i} follows the NIID-Bench implementation (Li et al., ICDE 2022).
 *
 * <p>Streams in O(model) memory: {@code Σ n_i d_i} is an exact sum, and the scalars
 * {@code (n_i, a_i)} are kept by client id and summed in id order.
 */
public final class FedNova extends FedAvg {
  /** The fit metric in which clients report their number of local steps. */
  public static final String LOCAL_STEPS = "local_steps";

  /**
   * The clients' SGD momentum ρ, 0 (plain SGD) by default; the registry takes it from the
   * training settings ({@code training.momentum}), not from {@code strategy.params}.
   */
  public static final StrategyParameter LOCAL_MOMENTUM = of("local_momentum", "0", UNIT, "the clients' SGD momentum rho");

  private final double rho;

  private FedNova(Builder b) {
    super(b);
    this.rho = b.localMomentum;
  }

  /** A builder with ρ = 0 and FedAvg's shared defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The norm {@code a_i} of the local-step coefficients of τ SGD steps with momentum ρ. */
  public static double stepNorm(double tau, double rho) {
    if (rho == 0) return tau;
    return (tau - rho * (1 - Math.pow(rho, tau)) / (1 - rho)) / (1 - rho);
  }

  @Override
  public FitAggregation beginFit(RoundContext context) {
    return new Aggregation(context.global());
  }

  private final class Aggregation implements FitAggregation {
    private final Parameters global;
    private final ExactWeightedSum normalised;
    private final TreeMap<String, double[]> weights = new TreeMap<>();
    private final WeightedMetrics metrics = new WeightedMetrics();

    Aggregation(Parameters global) {
      this.global = global;
      this.normalised = new ExactWeightedSum(global);
    }

    @Override
    public void accept(String clientId, FitResult result) {
      double tau = FitAggregation.requiredMetric("fednova", LOCAL_STEPS, 1, clientId, result);
      double a = stepNorm(tau, rho);
      Parameters d = ParameterMath.zip(global, result.parameters(), (k, x, xi) -> (float) (((double) x - xi) / a));
      normalised.add(d, result.numExamples());
      weights.put(clientId, new double[] {result.numExamples(), a});
      metrics.add(clientId, result.metrics(), result.numExamples());
    }

    @Override
    public FitOutcome complete(List<ClientFailure> failures) {
      if (weights.isEmpty()) return new FitOutcome(Optional.empty(), metrics.mean());
      double n = 0;
      double na = 0;
      for (double[] w : weights.values()) {
        n += w[0];
        na += w[0] * w[1];
      }
      double tauEff = na / n;
      Parameters out = ParameterMath.zip(global, normalised.mean(), (k, x, d) -> (float) (x - tauEff * d));
      return new FitOutcome(Optional.of(out), metrics.mean());
    }
  }

  @Override
  public String toString() {
    return "FedNova(local_momentum=" + rho + ")";
  }

  /** Configures a {@link FedNova}; setters check their value and name the property. */
  public static final class Builder extends StrategyBuilder<Builder> {
    private double localMomentum = LOCAL_MOMENTUM.defaultValue();

    private Builder() {}

    /** The clients' SGD momentum ρ, in [0, 1). */
    public Builder localMomentum(double v) {
      this.localMomentum = LOCAL_MOMENTUM.check("localMomentum", v);
      return this;
    }

    @Override
    public FedNova build() {
      return new FedNova(this);
    }
  }
}
