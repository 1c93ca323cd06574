package io.lianbang.core.strategy.robust;

import io.lianbang.core.aggregate.CoordinateMedian;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.FitAggregation;
import io.lianbang.core.strategy.RoundContext;
import io.lianbang.core.strategy.StrategyBuilder;

/**
 * The new global model is the coordinate-wise median of the clients' models (unweighted).
 *
 * <p>Reference: D. Yin, Y. Chen, K. Ramchandran, P. Bartlett, "Byzantine-Robust Distributed
 * Learning: Towards Optimal Statistical Rates", ICML 2018. Buffers every model: O(n × model)
 * memory.
 */
public final class FedMedian extends FedAvg {
  /** A builder with FedAvg's shared defaults (the median has no parameters of its own). */
  public static Builder builder() {
    return new Builder();
  }

  private FedMedian(Builder b) {
    super(b);
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

  /** Configures a {@link FedMedian}: FedAvg's shared settings. */
  public static final class Builder extends StrategyBuilder<Builder> {
    private Builder() {}

    @Override
    public FedMedian build() {
      return new FedMedian(this);
    }
  }
}
