package io.lianbang.engine.data;

import io.lianbang.core.check.Require;
import java.util.function.Supplier;

/**
 * The settings and retry loop of the partitioners that cut client shares by proportions drawn
 * from a symmetric Dirichlet(alpha) and draw again until every client has at least
 * {@code minPerClient} examples, at most {@code maxAttempts} times.
 */
final class MinSizeDraws {
  final String who;
  final int clients;
  final double alpha;
  final int minPerClient;
  final int maxAttempts;

  /**
   * @param who the partitioner's name in messages, e.g. "dirichlet"
   * @throws IllegalArgumentException if {@code clients < 1}, {@code alpha} is not a positive finite
   *     number, {@code minPerClient < 0} or {@code maxAttempts < 1}
   */
  MinSizeDraws(String who, int clients, double alpha, int minPerClient, int maxAttempts) {
    this.who = who;
    this.clients = Require.atLeast(who + " clients", clients, 1);
    Require.that(alpha > 0 && !Double.isInfinite(alpha), who + " alpha", "> 0 and finite", alpha);
    this.alpha = alpha;
    this.minPerClient = Require.atLeast(who + " minPerClient", minPerClient, 0);
    this.maxAttempts = Require.atLeast(who + " maxAttempts", maxAttempts, 1);
  }

  /** @throws IllegalArgumentException if {@code examples} cannot give every client {@code max(1, minPerClient)} */
  void requireFits(int examples) {
    Partitions.requireClientsFit(who, clients, examples);
    Partitions.requireMinFits(who, clients, minPerClient, examples);
  }

  /**
   * The first of up to {@code maxAttempts} draws in which every client has {@code minPerClient}
   * examples.
   *
   * @param suggestMoreAttempts whether the refusal names raising {@code maxAttempts} as a remedy
   * @throws IllegalStateException naming the smallest client of the last draw and the remedies
   */
  int[][] firstLargeEnough(Supplier<int[][]> draw, boolean suggestMoreAttempts) {
    int smallest = 0;
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      int[][] out = draw.get();
      smallest = Partitions.min(out);
      if (smallest >= minPerClient) return out;
    }
    throw new IllegalStateException(who + " partition: after " + maxAttempts + " attempts some client still had fewer than "
        + minPerClient + " examples (smallest in the last attempt: " + smallest + "); raise alpha (" + alpha
        + "), lower minPerClient, " + (suggestMoreAttempts ? "raise maxAttempts, " : "") + "or use fewer clients (" + clients + ")");
  }

  @Override
  public String toString() {
    return who + "(clients=" + clients + ", alpha=" + alpha + ", minPerClient=" + minPerClient + ")";
  }
}
