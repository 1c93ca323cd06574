package io.lianbang.core.compress;

import io.lianbang.core.random.SplitMix64;
import java.util.Map;

/**
 * Random-k sparsification (Stich, Cordonnier &amp; Jaggi, <i>Sparsified SGD with memory</i>, NeurIPS
 * 2018; Wangni et al., <i>Gradient sparsification for communication-efficient distributed
 * optimization</i>, NeurIPS 2018): k of the n positions, every k-subset equally likely, drawn from
 * the seed by selection sampling (Knuth, TAOCP vol. 2, 3.4.2, Algorithm S), which yields them in
 * ascending order. When {@code scaled} (the default), the kept values are multiplied by {@code n /
 * k} so that the decoded vector's expectation is the input (unbiased); unscaled, it is biased and
 * meant for {@link ErrorFeedback}.
 */
public final class RandomK implements SparseSelector {
  /** The selector's name. */
  public static final String NAME = "randomk";

  private final SparseCount k;
  private final boolean scaled;

  RandomK(SparseCount k, boolean scaled) {
    this.k = k;
    this.scaled = scaled;
  }

  /** Keeps {@code count} random values (all when fewer), scaled by n/k when {@code scaled}. */
  public static RandomK ofCount(int count, boolean scaled) {
    return new RandomK(SparseCount.ofCount(count), scaled);
  }

  /** Keeps {@code ceil(fraction * n)} random values, scaled by n/k when {@code scaled}. */
  public static RandomK ofFraction(double fraction, boolean scaled) {
    return new RandomK(SparseCount.ofFraction(fraction), scaled);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, Double> parameters() {
    Map<String, Double> p = new java.util.TreeMap<>(k.parameters());
    p.put("scaled", scaled ? 1.0 : 0.0);
    return p;
  }

  @Override
  public int count(int n) {
    return k.of(n);
  }

  @Override
  public double scale(int n) {
    int c = count(n);
    return scaled && c > 0 ? (double) n / c : 1;
  }

  @Override
  public void select(float[] values, int offset, int length, long seed, int[] indices) {
    int want = count(length);
    SplitMix64 rng = new SplitMix64(seed);
    int j = 0;
    for (int i = 0; i < length && j < want; i++) {
      if (rng.nextInt(length - i) < want - j) indices[j++] = i;
    }
  }

  @Override
  public String toString() {
    return NAME + parameters();
  }
}
