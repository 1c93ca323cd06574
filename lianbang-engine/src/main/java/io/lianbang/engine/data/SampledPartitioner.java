package io.lianbang.engine.data;

import io.lianbang.core.check.Require;
import io.lianbang.core.random.Seeds;
import io.lianbang.core.random.SplitMix64;
import java.util.HashSet;
import java.util.Set;

/**
 * Cross-device partitioning with more clients than examples: each client holds
 * {@code examplesPerClient} distinct examples drawn uniformly at random, without replacement
 * within the client, but independently across clients, so clients may share examples (with
 * 100,000 clients of 10 examples over Fashion-MNIST's 60,000, every example is held by about 17
 * clients). Each client's draw derives only from the seed and the client's index
 * ({@link Seeds#derive}), so the partition is the same on any machine. This models the
 * statistically IID cross-device setting of LEAF-style benchmarks (Caldas et al., <i>LEAF: A
 * Benchmark for Federated Settings</i>, 2018, <a href="https://arxiv.org/abs/1812.01097">arXiv:1812.01097</a>)
 * at a population the dataset cannot cover disjointly; it is not a partition of the data in the
 * strict sense (see {@link Partition}).
 */
public final class SampledPartitioner implements Partitioner {
  private final int clients;
  private final int examplesPerClient;

  /** @throws IllegalArgumentException if {@code clients < 1} or {@code examplesPerClient < 1} */
  public SampledPartitioner(int clients, int examplesPerClient) {
    this.clients = Require.atLeast("sampled clients", clients, 1);
    this.examplesPerClient = Require.atLeast("sampled examples_per_client", examplesPerClient, 1);
  }

  @Override
  public Partition partition(Dataset data, long seed) {
    int n = data.size();
    if (examplesPerClient > n) {
      throw new IllegalArgumentException("sampled: examples_per_client " + examplesPerClient + " exceeds the " + n + " examples");
    }
    int[][] out = new int[clients][];
    boolean scan = examplesPerClient <= 32; // few draws: a scan of those so far beats a set
    for (int c = 0; c < clients; c++) {
      SplitMix64 random = new SplitMix64(Seeds.derive(seed, "sampled-client", c));
      int[] picked = new int[examplesPerClient];
      Set<Integer> seen = scan ? null : new HashSet<>();
      for (int k = 0; k < examplesPerClient; k++) {
        int candidate;
        do {
          candidate = random.nextInt(n); // redrawn if taken: fewer than n are taken, so this ends
        } while (scan ? contains(picked, k, candidate) : !seen.add(candidate));
        picked[k] = candidate;
      }
      out[c] = picked;
    }
    return Partition.adoptOverlapping(out, n);
  }

  private static boolean contains(int[] a, int length, int v) {
    for (int i = 0; i < length; i++) if (a[i] == v) return true;
    return false;
  }

  @Override
  public String toString() {
    return "sampled(clients=" + clients + ", examples_per_client=" + examplesPerClient + ")";
  }
}
