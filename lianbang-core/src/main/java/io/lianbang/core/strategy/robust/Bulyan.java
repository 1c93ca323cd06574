package io.lianbang.core.strategy.robust;

import static io.lianbang.core.strategy.registry.ParameterRange.WHOLE;
import static io.lianbang.core.strategy.registry.StrategyParameter.of;

import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.FitAggregation;
import io.lianbang.core.strategy.RoundContext;
import io.lianbang.core.strategy.StrategyBuilder;
import io.lianbang.core.strategy.registry.StrategyParameter;

/**
 * Bulyan: iterated Krum selects {@code n − 2f} client models, then every coordinate is the mean
 * of the {@code n − 4f} selected values closest to their median.
 *
 * <p>Reference: E. M. El Mhamdi, R. Guerraoui, S. Rouault, "The Hidden Vulnerability of
 * Distributed Learning in Byzantium", ICML 2018. Needs {@code n ≥ 4f + 3} results; a round with
 * fewer keeps the model. Buffers every model: O(n × model) memory plus O(n²) distances.
 */
public final class Bulyan extends FedAvg {
  /** The number f of Byzantine clients tolerated. */
  public static final StrategyParameter F = of("f", "0", WHOLE, "Byzantine clients tolerated; clients per round >= 4f + 3");

  /** A builder with f = 0, one thread and FedAvg's shared defaults. */
  public static Builder builder() {
    return new Builder();
  }

  private final int f;
  private final int threads;

  private Bulyan(Builder b) {
    super(b);
    this.f = b.f;
    this.threads = b.threads;
  }

  @Override
  public FitAggregation beginFit(RoundContext context) {
    return new BufferedAggregation(context.round(), context.global()) {
      @Override
      float[] aggregate(float[][] rows) {
        return io.lianbang.core.aggregate.Bulyan.aggregate(rows, f, threads);
      }
    };
  }

  @Override
  public String toString() {
    return "Bulyan(f=" + f + ")";
  }

  /** Configures a {@link Bulyan}; setters check their value and name the property. */
  public static final class Builder extends StrategyBuilder<Builder> {
    private int f = F.defaultValue().intValue();
    private int threads = 1;

    private Builder() {}

    /** The number of Byzantine clients tolerated, &ge; 0 (a round needs {@code n ≥ 4f + 3} results). */
    public Builder f(int v) {
      this.f = (int) F.check("f", v);
      return this;
    }

    /** Threads for the pairwise distances, &ge; 1. */
    public Builder threads(int v) {
      this.threads = Krum.checkThreads(v);
      return this;
    }

    @Override
    public Bulyan build() {
      return new Bulyan(this);
    }
  }
}
