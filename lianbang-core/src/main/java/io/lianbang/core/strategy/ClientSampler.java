package io.lianbang.core.strategy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Uniform sampling of clients without replacement: {@code max(minimum, floor(fraction * n))}
 * of the {@code n} available clients, capped at {@code n}. The result depends only on the sorted
 * ids and the generator, never on the order in which clients connected.
 */
public final class ClientSampler {
  private final double fraction;
  private final int minimum;

  /**
   * @param fraction the share of available clients to sample, in [0, 1]
   * @param minimum the least number of clients to sample, at least 0
   * @throws IllegalArgumentException if a value is out of range
   */
  public ClientSampler(double fraction, int minimum) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("client fraction must be in [0, 1], got " + fraction);
    }
    if (minimum < 0) {
      throw new IllegalArgumentException("minimum clients must be >= 0, got " + minimum);
    }
    this.fraction = fraction;
    this.minimum = minimum;
  }

  /** How many clients are sampled out of {@code available}. */
  public int sampleSize(int available) {
    return Math.min(available, Math.max(minimum, (int) Math.floor(fraction * available)));
  }

  /** Samples from {@code available}, which must be sorted; the result is in sampling order. */
  public List<String> sample(List<String> available, SplittableRandom rng) {
    int n = available.size();
    int k = sampleSize(n);
    // The first k steps of a Fisher-Yates shuffle of the positions 0..n-1, keeping only the
    // positions that were swapped: O(k) time and memory however many clients are available.
    Map<Integer, Integer> moved = new HashMap<>();
    String[] out = new String[k];
    for (int i = 0; i < k; i++) {
      int j = i + rng.nextInt(n - i);
      int atJ = moved.getOrDefault(j, j);
      moved.put(j, moved.getOrDefault(i, i));
      out[i] = available.get(atJ);
    }
    return List.of(out);
  }
}
