package io.lianbang.core.strategy.robust;

import static io.lianbang.core.strategy.registry.ParameterRange.FLAG;
import static io.lianbang.core.strategy.registry.ParameterRange.WHOLE;
import static io.lianbang.core.strategy.registry.StrategyParameter.of;

import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.FitAggregation;
import io.lianbang.core.strategy.RoundContext;
import io.lianbang.core.strategy.StrategyBuilder;
import io.lianbang.core.strategy.registry.StrategyParameter;

/**
 * Krum and Multi-Krum: the new global model is the mean of the {@code m} client models with the
 * lowest Krum scores (the sum of squared distances to the {@code n − f − 2} nearest other
 * models); {@code m = 1} is Krum.
 *
 * <p>{@code weighted} chooses the mean of Multi-Krum: unweighted as Blanchard et al. define it (the
 * default), or weighted by the clients' example counts as Flower's Krum and MultiKrum compute it.
 * The selection is the same either way, and so is the result when {@code m = 1}.
 *
 * <p>Reference: P. Blanchard, E. M. El Mhamdi, R. Guerraoui, J. Stainer, "Machine Learning with
 * Adversaries: Byzantine Tolerant Gradient Descent", NeurIPS 2017. Needs {@code n > 2f + 2}
 * results; a round with fewer keeps the model. Buffers every model: O(n × model) memory, plus
 * O(n²) for the distances, computed on {@code threads} threads
 * ({@link io.lianbang.core.aggregate.PairwiseDistances}).
 */
public final class Krum extends FedAvg {
  /** The number f of Byzantine clients tolerated. */
  public static final StrategyParameter F = of("f", "0", WHOLE, "Byzantine clients tolerated; clients per round > 2f + 2");
  /** How many models are averaged: 1 is Krum, more Multi-Krum; at least 1 and at most the clients per round. */
  public static final StrategyParameter M = of("m", "1", WHOLE,
      "models averaged (m > 1 is Multi-Krum), in [1, clients per round]");
  /** Whether the m models are averaged weighted by examples (1, Flower) or equally (0, Blanchard et al.). */
  public static final StrategyParameter WEIGHTED = of("weighted", "0", FLAG,
      "1 averages the m models weighted by examples as Flower, 0 equally as the paper");

  private final int f;
  private final int m;
  private final int threads;
  private final boolean weighted;

  private Krum(Builder b) {
    super(b);
    this.f = b.f;
    this.m = b.m;
    this.threads = b.threads;
    this.weighted = b.weighted;
  }

  /** A builder with the defaults above (Krum, unweighted), one thread and FedAvg's shared defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** {@code threads} if it is at least 1, for the robust strategies' pairwise distances. */
  static int checkThreads(int threads) {
    if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    return threads;
  }

  @Override
  public FitAggregation beginFit(RoundContext context) {
    return new BufferedAggregation(context.round(), context.global()) {
      @Override
      float[] aggregate(float[][] rows) {
        int keep = Math.min(m, rows.length);
        return weighted
            ? io.lianbang.core.aggregate.Krum.aggregate(rows, examples(), f, keep, threads)
            : io.lianbang.core.aggregate.Krum.aggregate(rows, f, keep, threads);
      }
    };
  }

  @Override
  public String toString() {
    return "Krum(f=" + f + ", m=" + m + ", weighted=" + weighted + ")";
  }

  /** Configures a {@link Krum}; setters check their value and name the property. */
  public static final class Builder extends StrategyBuilder<Builder> {
    private int f = F.defaultValue().intValue();
    private int m = M.defaultValue().intValue();
    private boolean weighted = WEIGHTED.defaultValue() == 1;
    private int threads = 1;

    private Builder() {}

    /** The number of Byzantine clients tolerated, &ge; 0 (a round needs {@code n > 2f + 2} results). */
    public Builder f(int v) {
      this.f = (int) F.check("f", v);
      return this;
    }

    /** How many models to average, &ge; 1 (1 = Krum); rounds with fewer results average them all. */
    public Builder m(int v) {
      M.check("m", v);
      if (v < 1) throw new IllegalArgumentException("m must be >= 1, got " + v);
      this.m = v;
      return this;
    }

    /**
     * Whether the {@code m} models are averaged weighted by their example counts (Flower) rather
     * than equally (Blanchard et al.).
     */
    public Builder weighted(boolean v) {
      this.weighted = v;
      return this;
    }

    /** Threads for the pairwise distances, &ge; 1. */
    public Builder threads(int v) {
      this.threads = checkThreads(v);
      return this;
    }

    @Override
    public Krum build() {
      return new Krum(this);
    }
  }
}
