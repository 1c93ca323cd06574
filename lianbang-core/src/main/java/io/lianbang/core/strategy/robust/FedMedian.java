package io.lianbang.core.strategy.robust;

import io.lianbang.core.aggregate.CoordinateMedian;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.FitAggregation;
import io.lianbang.core.strategy.RoundContext;

/**
 * The new global model is the coordinate-wise median of the clients' models (unweighted).
 *
 * <p>Reference: D. Yin, Y. Chen, K. Ramchandran, P. Bartlett, "Byzantine-Robust Distributed
 * Learning: Towards Optimal Statistical Rates", ICML 2018. Buffers every model: O(n × model)
 * memory.
 */
public final class FedMedian extends FedAvg {
  /** @param settings sampling, configuration and evaluation settings shared with FedAvg */
  public FedMedian(FedAvg.Builder settings) {
    super(settings);
  }

  @Override
  public FitAggregation beginFit(RoundContext context) {
    return new BufferedAggregation(context.round(), context.global()) {
      @Override
      float[] aggregate(float[][] rows) {
        return CoordinateMedian.of(rows);
      }
    };
  }
}
