package io.lianbang.core.compress;

import java.util.Map;

/** Chooses which k of n values a {@link SparseCodec} sends, and the factor it multiplies them by. */
public interface SparseSelector {
  /** The selector's name, the first part of a sparse codec's name: {@code topk} or {@code randomk}. */
  String name();

  /** Every parameter with its value, defaults included. */
  Map<String, Double> parameters();

  /** How many of {@code n} values are selected; a function of {@code n} alone. */
  int count(int n);

  /** The factor the selected values are multiplied by before they are coded. */
  double scale(int n);

  /**
   * Writes the {@link #count count(length)} selected positions of {@code values[offset, offset +
   * length)} (relative to {@code offset}) into {@code indices}, ascending.
   *
   * @param seed the only source of randomness
   */
  void select(float[] values, int offset, int length, long seed, int[] indices);
}
