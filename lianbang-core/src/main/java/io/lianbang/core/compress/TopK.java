package io.lianbang.core.compress;

import java.util.Map;

/**
 * Top-k sparsification (Aji &amp; Heafield, <i>Sparse communication for distributed gradient
 * descent</i>, EMNLP 2017; with error feedback, Stich, Cordonnier &amp; Jaggi, <i>Sparsified SGD with
 * memory</i>, NeurIPS 2018): keeps the k values of largest magnitude, ties broken by the lower
 * index, so the choice is a function of the values alone. Biased: pair it with {@link
 * ErrorFeedback}. The k-th magnitude is found by a radix selection on the magnitude's bits (four
 * histogram passes of 8 bits, O(n), no scratch beyond 256 counters); the values must be finite.
 */
public final class TopK implements SparseSelector {
  /** The selector's name. */
  public static final String NAME = "topk";

  private final SparseCount k;

  TopK(SparseCount k) {
    this.k = k;
  }

  /** Keeps {@code count} values (all when fewer). */
  public static TopK ofCount(int count) {
    return new TopK(SparseCount.ofCount(count));
  }

  /** Keeps {@code ceil(fraction * n)} values; {@code fraction} in (0, 1]. */
  public static TopK ofFraction(double fraction) {
    return new TopK(SparseCount.ofFraction(fraction));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, Double> parameters() {
    return k.parameters();
  }

  @Override
  public int count(int n) {
    return k.of(n);
  }

  @Override
  public double scale(int n) {
    return 1;
  }

  @Override
  public void select(float[] values, int offset, int length, long seed, int[] indices) {
    int want = count(length);
    if (want == 0) return;
    int[] hist = new int[256];
    int prefix = 0; // the bits of the threshold found so far
    int need = want; // how many of the values matching the prefix are still to be taken
    for (int shift = 24; shift >= 0; shift -= 8) {
      java.util.Arrays.fill(hist, 0);
      int high = shift + 8;
      for (int i = offset; i < offset + length; i++) {
        int key = Float.floatToRawIntBits(values[i]) & 0x7fffffff;
        if (high == 32 || key >>> high == prefix) hist[(key >>> shift) & 0xff]++;
      }
      int bucket = 255;
      while (hist[bucket] < need) need -= hist[bucket--];
      prefix = (prefix << 8) | bucket;
    }
    int threshold = prefix; // the k-th largest magnitude's bits; need = how many equal to it to take
    int j = 0;
    for (int i = 0; i < length; i++) {
      int key = Float.floatToRawIntBits(values[offset + i]) & 0x7fffffff;
      if (key > threshold || (key == threshold && need-- > 0)) indices[j++] = i;
    }
  }

  @Override
  public String toString() {
    return NAME + parameters();
  }
}
