package io.lianbang.engine.data;

import io.lianbang.core.random.SplitMix64;

/**
 * Quantity skew: clients get different numbers of examples but the same distribution. The
 * examples are shuffled into one pool and cut into client shares drawn from a symmetric
 * Dirichlet(alpha); small alpha gives very unequal sizes.
 *
 * <p>The "iid-diff-quantity" setting of NIID-Bench, Li, Diao, Chen &amp; He, <i>Federated Learning
 * on Non-IID Data Silos: An Experimental Study</i>, ICDE 2022
 * (<a href="https://arxiv.org/abs/2102.02079">arXiv:2102.02079</a>): the pool is cut at
 * {@code floor(cumsum(p) * n)}, and the proportions are drawn again until every client has at least
 * {@code minPerClient} examples (NIID-Bench uses 10), at most {@code maxAttempts} times. Works for
 * regression datasets too.
 */
public final class QuantitySkewPartitioner implements Partitioner {
  private final MinSizeDraws draws;

  /** With NIID-Bench's minimum of 10 examples per client and at most 1000 attempts. */
  public QuantitySkewPartitioner(int clients, double alpha) {
    this(clients, alpha, DirichletPartitioner.DEFAULT_MIN_PER_CLIENT, DirichletPartitioner.DEFAULT_MAX_ATTEMPTS);
  }

  /**
   * @throws IllegalArgumentException if {@code clients < 1}, {@code alpha} is not a positive finite
   *     number, {@code minPerClient < 0} or {@code maxAttempts < 1}
   */
  public QuantitySkewPartitioner(int clients, double alpha, int minPerClient, int maxAttempts) {
    this.draws = new MinSizeDraws("quantity-skew", clients, alpha, minPerClient, maxAttempts);
  }

  @Override
  public Partition partition(Dataset data, long seed) {
    int n = data.size();
    draws.requireFits(n);
    SplitMix64 rng = new SplitMix64(seed);
    int[] pool = Splits.identity(n);
    rng.shuffle(pool);
    return Partition.adopt(draws.firstLargeEnough(() -> cut(pool, rng), false), n);
  }

  /** The shuffled pool cut at {@code floor(cumsum(p) * n)} for fresh Dirichlet proportions {@code p}. */
  private int[][] cut(int[] pool, SplitMix64 rng) {
    int clients = draws.clients;
    int n = pool.length;
    double[] p = Dirichlet.sample(draws.alpha, clients, rng);
    int[][] out = new int[clients][];
    double cum = 0;
    int from = 0;
    for (int j = 0; j < clients; j++) {
      cum += p[j];
      int to = j == clients - 1 ? n : Math.max(from, Math.min(n, (int) (cum * n)));
      out[j] = java.util.Arrays.copyOfRange(pool, from, to);
      from = to;
    }
    return out;
  }

  @Override
  public String toString() {
    return draws.toString();
  }
}
