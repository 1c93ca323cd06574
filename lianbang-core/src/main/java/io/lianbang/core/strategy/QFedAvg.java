package io.lianbang.core.strategy;

import static io.lianbang.core.strategy.registry.ParameterRange.NON_NEGATIVE;
import static io.lianbang.core.strategy.registry.ParameterRange.POSITIVE;
import static io.lianbang.core.strategy.registry.StrategyParameter.of;

import io.lianbang.core.aggregate.ExactWeightedSum;
import io.lianbang.core.aggregate.WeightedMetrics;
import io.lianbang.core.strategy.registry.StrategyParameter;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.tensor.ParameterMath;
import io.lianbang.core.tensor.Parameters;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * q-FedAvg: fair federated averaging that weights clients with a high loss more, interpolating
 * between FedAvg (q = 0) and minimax fairness (q → ∞). Clients report their local loss before
 * training, {@code F_k}, as the metric {@value #INITIAL_LOSS} (the strategy asks for it with the
 * config key of the same name). With {@code L = 1/lr} (the inverse of the clients' learning rate)
 * and {@code Δw_k = L·(x − x_k)}:
 * <pre>
 *   Δ_k = F_k^q · Δw_k
 *   h_k = q · F_k^(q−1) · ‖Δw_k‖² + L · F_k^q
 *   x  ← x − Σ Δ_k / Σ h_k
 * </pre>
 * {@code F_k} is offset by 1e-10 so that a zero loss stays finite (as in Flower's QFedAvg).
 *
 * <p>Reference: T. Li, M. Sanjabi, A. Beirami, V. Smith, "Fair Resource Allocation in Federated
 * Learning", ICLR 2020 (Algorithm 2, q-FedAvg).
 */
public final class QFedAvg extends FedAvg {
  /** The fit metric (and config key requesting it) holding the client's loss before training. */
  public static final String INITIAL_LOSS = "initial_loss";

  /** The fairness exponent q (0 is FedAvg); 0.2 by default, as Flower. */
  public static final StrategyParameter Q = of("q", "0.2", NON_NEGATIVE, "fairness exponent");
  /**
   * The clients' learning rate (L = 1/lr); 0.1 by default, as Flower. The registry takes it from
   * the training settings ({@code training.learning_rate}), not from {@code strategy.params}.
   */
  public static final StrategyParameter LEARNING_RATE = of("learning_rate", "0.1", POSITIVE,
      "the clients' learning rate; L = 1 / learning_rate");

  private final double q;
  private final double lipschitz;

  private QFedAvg(Builder b) {
    super(b);
    this.q = b.q;
    this.lipschitz = 1 / b.learningRate;
  }

  /** A builder with the defaults above and FedAvg's shared defaults. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  protected Config fitConfig(int round) {
    return super.fitConfig(round).with(INITIAL_LOSS, true);
  }

  @Override
  public FitAggregation beginFit(RoundContext context) {
    return new Aggregation(context.global());
  }

  private final class Aggregation implements FitAggregation {
    private final Parameters global;
    private final ExactWeightedSum deltas;
    private final TreeMap<String, Double> h = new TreeMap<>();
    private final WeightedMetrics metrics = new WeightedMetrics();

    Aggregation(Parameters global) {
      this.global = global;
      this.deltas = new ExactWeightedSum(global);
    }

    @Override
    public void accept(String clientId, FitResult result) {
      double loss = FitAggregation.requiredMetric("qfedavg", INITIAL_LOSS, 0, clientId, result);
      double f = loss + 1e-10;
      Parameters xk = result.parameters();
      double norm2 = ParameterMath.squaredDistance(global, xk);
      norm2 *= lipschitz * lipschitz;
      double fq = Math.pow(f, q);
      if (fq > 0) deltas.add(ParameterMath.zip(global, xk, (j, x, y) -> (float) ((double) x - y)), fq * lipschitz);
      h.put(clientId, q * Math.pow(f, q - 1) * norm2 + lipschitz * fq);
      metrics.add(clientId, result.metrics(), result.numExamples());
    }

    @Override
    public FitOutcome complete(List<ClientFailure> failures) {
      if (h.isEmpty()) return new FitOutcome(Optional.empty(), metrics.mean());
      double hs = 0;
      for (double v : h.values()) hs += v;
      double hsum = hs;
      Parameters sum = deltas.terms() == 0 ? ParameterMath.zeros(global) : deltas.sum();
      Parameters out = ParameterMath.zip(global, sum, (j, x, s) -> (float) (x - s / hsum));
      return new FitOutcome(Optional.of(out), metrics.mean());
    }
  }

  @Override
  public String toString() {
    return "QFedAvg(q=" + q + ", L=" + lipschitz + ")";
  }

  /** Configures a {@link QFedAvg}; setters check their value and name the property. */
  public static final class Builder extends StrategyBuilder<Builder> {
    private double q = Q.defaultValue();
    private double learningRate = LEARNING_RATE.defaultValue();

    private Builder() {}

    /** The fairness exponent q, &ge; 0. */
    public Builder q(double v) {
      this.q = Q.check("q", v);
      return this;
    }

    /** The clients' learning rate, &gt; 0 (L = 1/lr). */
    public Builder learningRate(double v) {
      this.learningRate = LEARNING_RATE.check("learningRate", v);
      return this;
    }

    @Override
    public QFedAvg build() {
      return new QFedAvg(this);
    }
  }
}
