package io.lianbang.grpc.server;

import java.util.Set;

/**
 * Which clients a server accepts as edge aggregators (hierarchical aggregation): only these
 * identities, as the server authenticated them (certificate CN, token owner), may answer a fit
 * task with an exact partial sum ({@code FitOutput.exact_sum}) instead of a model, so an ordinary
 * client cannot pass itself off as "the sum of 10,000 clients". A partial sum's claimed term
 * count is bounded by {@link #maxTerms}; its weight is bounded by the federation (at most
 * {@code maxExamples} per term).
 *
 * @param edges identities allowed to send partial sums; empty (the default) refuses them all
 * @param maxTerms the most client models one partial sum may claim, in [1, 2^20]; default 10,000
 */
public record EdgePolicy(Set<String> edges, int maxTerms) {
  /** The largest {@link #maxTerms}. */
  public static final int MAX_TERMS_LIMIT = 1 << 20;
  /** The default {@link #maxTerms}. */
  public static final int DEFAULT_MAX_TERMS = 10_000;
  /** No edges: every partial sum is refused. */
  public static final EdgePolicy NONE = new EdgePolicy(Set.of(), DEFAULT_MAX_TERMS);

  /** @throws IllegalArgumentException naming the setting and value if one is out of range */
  public EdgePolicy {
    edges = Set.copyOf(edges);
    if (maxTerms < 1 || maxTerms > MAX_TERMS_LIMIT) {
      throw new IllegalArgumentException("edge maxTerms must be in [1, " + MAX_TERMS_LIMIT + "], got " + maxTerms);
    }
  }

  /** The identities in {@code edges}, with the default term limit. */
  public static EdgePolicy of(Set<String> edges) {
    return new EdgePolicy(edges, DEFAULT_MAX_TERMS);
  }

  /** Whether {@code clientId} may send partial sums. */
  public boolean isEdge(String clientId) {
    return edges.contains(clientId);
  }
}
