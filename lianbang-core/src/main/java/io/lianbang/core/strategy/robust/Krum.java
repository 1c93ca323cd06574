package io.lianbang.core.strategy.robust;

import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.FitAggregation;
import io.lianbang.core.strategy.RoundContext;

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
  private final int f;
  private final int m;
  private final int threads;
  private final boolean weighted;

  /**
   * Multi-Krum with the unweighted mean of Blanchard et al.
   *
   * @param settings sampling, configuration and evaluation settings shared with FedAvg
   * @param f the number of Byzantine clients tolerated, &ge; 0
   * @param m how many models to average, &ge; 1 (1 = Krum)
   * @param threads threads for the pairwise distances, &ge; 1
   * @throws IllegalArgumentException naming the parameter and its value
   */
  public Krum(FedAvg.Builder settings, int f, int m, int threads) {
    this(settings, f, m, false, threads);
  }

  /**
   * @param settings sampling, configuration and evaluation settings shared with FedAvg
   * @param f the number of Byzantine clients tolerated, &ge; 0
   * @param m how many models to average, &ge; 1 (1 = Krum)
   * @param weighted whether the {@code m} models are averaged weighted by their example counts
   *     (Flower) rather than equally (Blanchard et al.)
   * @param threads threads for the pairwise distances, &ge; 1
   * @throws IllegalArgumentException naming the parameter and its value
   */
  public Krum(FedAvg.Builder settings, int f, int m, boolean weighted, int threads) {
    super(settings);
    if (f < 0) throw new IllegalArgumentException("f must be >= 0, got " + f);
    if (m < 1) throw new IllegalArgumentException("m must be >= 1, got " + m);
    if (threads < 1) throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    this.f = f;
    this.m = m;
    this.threads = threads;
    this.weighted = weighted;
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
}
