package io.lianbang.vertical.lr;

import java.util.Random;

/**
 * The batches of one iteration. The full batch is the rows in order. Mini-batches: the rows are
 * shuffled (Fisher–Yates) by a {@link Random} seeded from the user's seed and the iteration, then
 * cut into consecutive slices of {@code batchSize} rows, the last one shorter; so a run is
 * reproducible and every iteration sees every row once. The guest computes them and tells the
 * hosts each batch's row indices; the plaintext reference computes the same.
 */
final class MiniBatches {
  private MiniBatches() {}

  /** The number of batches per iteration for {@code rows} rows. */
  static int count(int rows, HeteroLrParams params) {
    return params.fullBatch() ? 1 : (rows + params.batchSize() - 1) / params.batchSize();
  }

  /** The row indices of each batch of 0-based iteration {@code iteration}. */
  static int[][] of(int rows, HeteroLrParams params, int iteration) {
    int[] order = new int[rows];
    for (int i = 0; i < rows; i++) order[i] = i;
    if (params.fullBatch()) return new int[][] {order};
    Random random = new Random(params.seed() * 0x9E3779B97F4A7C15L + iteration);
    for (int i = rows - 1; i > 0; i--) {
      int k = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[k];
      order[k] = t;
    }
    int size = params.batchSize();
    int[][] batches = new int[count(rows, params)][];
    for (int b = 0; b < batches.length; b++) {
      batches[b] = java.util.Arrays.copyOfRange(order, b * size, Math.min(rows, (b + 1) * size));
    }
    return batches;
  }
}
