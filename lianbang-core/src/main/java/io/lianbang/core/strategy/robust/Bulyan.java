package io.lianbang.core.strategy.robust;

import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.FitAggregation;
import io.lianbang.core.strategy.RoundContext;

/**
 * Bulyan: iterated Krum selects {@code n − 2f} client models, then every coordinate is the mean
 * of the {@code n − 4f} selected values closest to their median.
 *
 * <p>Reference: E. M. El Mhamdi, R. Guerraoui, S. Rouault, "The Hidden Vulnerability of
 * Distributed Learning in Byzantium", ICML 2018. Needs {@code n ≥ 4f + 3} results; a round with
 * fewer keeps the model. Buffers every model: O(n × model) memory plus O(n²) distances.
 */
public final class Bulyan extends FedAvg {
  private final int f;
  private final int threads;

  /**
   * @param settings sampling, configuration and evaluation settings shared with FedAvg
   * @param f the number of Byzantine clients tolerated, &ge; 0
   * @param threads threads for the pairwise distances, &ge; 1
   * @throws IllegalArgumentException naming the parameter and its value
   */
  public Bulyan(FedAvg.Builder settings, int f, int threads) {
    super(settings);
    if (f < 0) throw new IllegalArgumentException("f must be >= 0, got " + f);
    if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    this.f = f;
    this.threads = threads;
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
}
