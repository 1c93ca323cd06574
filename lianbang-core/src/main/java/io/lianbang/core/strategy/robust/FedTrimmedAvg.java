package io.lianbang.core.strategy.robust;

import io.lianbang.core.aggregate.TrimmedMean;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.FitAggregation;
import io.lianbang.core.strategy.RoundContext;

/**
 * The new global model is the coordinate-wise β-trimmed mean of the clients' models: in every
 * coordinate the {@code floor(β·n)} largest and smallest values are dropped and the rest averaged
 * (unweighted).
 *
 * <p>Reference: D. Yin, Y. Chen, K. Ramchandran, P. Bartlett, "Byzantine-Robust Distributed
 * Learning: Towards Optimal Statistical Rates", ICML 2018. Buffers every model: O(n × model)
 * memory.
 */
public final class FedTrimmedAvg extends FedAvg {
  private final double beta;

  /**
   * @param settings sampling, configuration and evaluation settings shared with FedAvg
   * @param beta the fraction trimmed at each end, in [0, 0.5)
   * @throws IllegalArgumentException naming beta, its value and the range
   */
  public FedTrimmedAvg(FedAvg.Builder settings, double beta) {
    super(settings);
    if (!(beta >= 0 && beta < 0.5)) throw new IllegalArgumentException("beta must be in [0, 0.5), got " + beta);
    this.beta = beta;
  }

  @Override
  public FitAggregation beginFit(RoundContext context) {
    return new BufferedAggregation(context.round(), context.global()) {
      @Override
      float[] aggregate(float[][] rows) {
        return TrimmedMean.of(rows, beta);
      }
    };
  }

  @Override
  public String toString() {
    return "FedTrimmedAvg(beta=" + beta + ")";
  }
}
