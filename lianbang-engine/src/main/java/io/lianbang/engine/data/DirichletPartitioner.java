package io.lianbang.engine.data;

import io.lianbang.core.random.SplitMix64;
import java.util.Arrays;

/**
 * Label-distribution skew by a Dirichlet prior: for every class, the class's examples are shuffled
 * and split among clients in proportions drawn from a symmetric Dirichlet(alpha). Small alpha
 * (0.1) gives each client few classes; large alpha (100) approaches IID.
 *
 * <p>Introduced by Hsu, Qi &amp; Brown, <i>Measuring the Effects of Non-Identical Data Distribution
 * for Federated Visual Classification</i>, 2019 (<a href="https://arxiv.org/abs/1909.06335">
 * arXiv:1909.06335</a>); this follows the "noniid-labeldir" procedure of NIID-Bench, Li, Diao, Chen
 * &amp; He, <i>Federated Learning on Non-IID Data Silos: An Experimental Study</i>, ICDE 2022
 * (<a href="https://arxiv.org/abs/2102.02079">arXiv:2102.02079</a>, {@code partition_data} in
 * its {@code utils.py}):
 *
 * <ul>
 *   <li>a client that already holds at least {@code examples / clients} examples gets a zero
 *       proportion of the classes that follow, which keeps client sizes from running away;
 *   <li>class {@code c} is cut at {@code floor(cumsum(p) * n_c)};
 *   <li>the whole draw is repeated until every client has at least {@code minPerClient} examples
 *       (NIID-Bench uses 10), at most {@code maxAttempts} times;
 *   <li>each client's indices are shuffled at the end.
 * </ul>
 *
 * <p>Gamma variates are drawn by Marsaglia-Tsang (see {@link Dirichlet}).
 */
public final class DirichletPartitioner implements Partitioner {
  /** NIID-Bench's minimum client size. */
  public static final int DEFAULT_MIN_PER_CLIENT = 10;

  /** Default bound on the number of draws. */
  public static final int DEFAULT_MAX_ATTEMPTS = 1000;

  private final MinSizeDraws draws;

  /** With NIID-Bench's minimum of 10 examples per client and at most 1000 attempts. */
  public DirichletPartitioner(int clients, double alpha) {
    this(clients, alpha, DEFAULT_MIN_PER_CLIENT, DEFAULT_MAX_ATTEMPTS);
  }

  /**
   * @throws IllegalArgumentException if {@code clients < 1}, {@code alpha} is not a positive finite
   *     number, {@code minPerClient < 0} or {@code maxAttempts < 1}
   */
  public DirichletPartitioner(int clients, double alpha, int minPerClient, int maxAttempts) {
    this.draws = new MinSizeDraws("dirichlet", clients, alpha, minPerClient, maxAttempts);
  }

  @Override
  public Partition partition(Dataset data, long seed) {
    Partitions.requireClassification("dirichlet", data);
    int n = data.size();
    draws.requireFits(n);
    SplitMix64 rng = new SplitMix64(seed);
    int[][] byClass = Partitions.indicesByClass(data.labels(), data.numClasses());
    double cap = (double) n / draws.clients;
    int[][] out = draws.firstLargeEnough(() -> draw(byClass, cap, rng), true);
    for (int[] client : out) rng.shuffle(client);
    return Partition.adopt(out, n);
  }

  private int[][] draw(int[][] byClass, double cap, SplitMix64 rng) {
    int clients = draws.clients;
    int[][] buf = new int[clients][16];
    int[] sizes = new int[clients];
    boolean[] eligible = new boolean[clients];
    for (int[] cls : byClass) {
      if (cls.length == 0) continue; // a declared class with no examples
      int[] idx = cls.clone();
      rng.shuffle(idx);
      for (int j = 0; j < clients; j++) eligible[j] = sizes[j] < cap;
      double[] p = Dirichlet.sample(draws.alpha, clients, eligible, rng);
      double cum = 0;
      int from = 0;
      for (int j = 0; j < clients; j++) {
        cum += p[j];
        int to = j == clients - 1 ? idx.length : Math.min(idx.length, (int) (cum * idx.length));
        to = Math.max(to, from);
        int count = to - from;
        if (sizes[j] + count > buf[j].length) buf[j] = Arrays.copyOf(buf[j], Math.max(sizes[j] + count, 2 * buf[j].length));
        System.arraycopy(idx, from, buf[j], sizes[j], count);
        sizes[j] += count;
        from = to;
      }
    }
    int[][] out = new int[clients][];
    for (int j = 0; j < clients; j++) out[j] = Arrays.copyOf(buf[j], sizes[j]);
    return out;
  }

  @Override
  public String toString() {
    return draws.toString();
  }
}
