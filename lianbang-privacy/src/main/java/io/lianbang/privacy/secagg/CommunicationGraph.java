package io.lianbang.privacy.secagg;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The k-regular communication graph of SecAgg+ (Bell, Bonawitz, Gascón, Lepoint, Raykova, "Secure
 * Single-Server Aggregation with (Poly)Logarithmic Overhead", CCS 2020, Section 3): the Harary
 * graph H(k, n) on a random permutation of the clients, so each client shares masks and secrets
 * with k neighbours instead of all n − 1. With k ≥ n − 1 it is the complete graph of classic
 * SecAgg. The permutation is public (it is not a secret of the protocol) and derives from the
 * round's seed.
 */
final class CommunicationGraph {
  private final List<TreeSet<Integer>> neighbours;

  private CommunicationGraph(List<TreeSet<Integer>> neighbours) {
    this.neighbours = neighbours;
  }

  /**
   * H(k, n) over nodes 0..n−1 placed on a ring in a random order: each node is joined to the k/2
   * nodes on either side; with k &gt;= n − 1, the complete graph.
   *
   * @throws IllegalArgumentException if k is negative, or odd and below n − 1
   */
  public static CommunicationGraph harary(int n, int k, long seed) {
    List<TreeSet<Integer>> nb = new ArrayList<>(n);
    for (int i = 0; i < n; i++) nb.add(new TreeSet<>());
    if (k >= n - 1) {
      for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) if (i != j) nb.get(i).add(j);
      return new CommunicationGraph(nb);
    }
    if (k < 0 || k % 2 != 0) throw new IllegalArgumentException("graph degree k must be even and >= 0, got " + k);
    int[] ring = new int[n];
    for (int i = 0; i < n; i++) ring[i] = i;
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = ring[i];
      ring[i] = ring[j];
      ring[j] = t;
    }
    for (int p = 0; p < n; p++) {
      for (int d = 1; d <= k / 2; d++) {
        int a = ring[p];
        int b = ring[(p + d) % n];
        nb.get(a).add(b);
        nb.get(b).add(a);
      }
    }
    return new CommunicationGraph(nb);
  }

  /** The neighbours of node {@code i}, ascending. */
  public List<Integer> neighbours(int i) {
    return List.copyOf(neighbours.get(i));
  }

  /** Whether {@code i} and {@code j} are neighbours. */
  public boolean adjacent(int i, int j) {
    return neighbours.get(i).contains(j);
  }

  /** The number of nodes. */
  public int size() {
    return neighbours.size();
  }
}
