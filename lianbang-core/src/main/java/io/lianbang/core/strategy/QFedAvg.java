package io.lianbang.core.strategy;

import io.lianbang.core.aggregate.ExactWeightedSum;
import io.lianbang.core.aggregate.WeightedMetrics;
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

  private final double q;
  private final double lipschitz;

  /**
   * @param settings sampling, configuration and evaluation settings shared with FedAvg
   * @param q the fairness parameter, &ge; 0
   * @param clientLr the clients' learning rate, &gt; 0 (L = 1/lr)
   * @throws IllegalArgumentException naming the parameter, value and valid range
   */
  public QFedAvg(FedAvg.Builder settings, double q, double clientLr) {
    super(settings);
    ServerOptimizers.nonNegative("q", q);
    ServerOptimizers.positive("learning_rate", clientLr);
    this.q = q;
    this.lipschitz = 1 / clientLr;
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
}
