package io.lianbang.core.strategy.robust;

import static io.lianbang.core.strategy.registry.ParameterRange.HALF;
import static io.lianbang.core.strategy.registry.StrategyParameter.of;

import io.lianbang.core.aggregate.TrimmedMean;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.FitAggregation;
import io.lianbang.core.strategy.RoundContext;
import io.lianbang.core.strategy.StrategyBuilder;
import io.lianbang.core.strategy.registry.StrategyParameter;

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
  /** The fraction β trimmed at each end. */
  public static final StrategyParameter BETA = of("beta", "0.2", HALF, "share of values trimmed from each end");

  /** A builder with the default β above and FedAvg's shared defaults. */
  public static Builder builder() {
    return new Builder();
  }

  private final double beta;

  private FedTrimmedAvg(Builder b) {
    super(b);
    this.beta = b.beta;
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

  /** Configures a {@link FedTrimmedAvg}; setters check their value and name the property. */
  public static final class Builder extends StrategyBuilder<Builder> {
    private double beta = BETA.defaultValue();

    private Builder() {}

    /** The fraction β trimmed at each end, in [0, 0.5). */
    public Builder beta(double v) {
      this.beta = BETA.check("beta", v);
      return this;
    }

    @Override
    public FedTrimmedAvg build() {
      return new FedTrimmedAvg(this);
    }
  }
}
