package io.lianbang.bench;

import io.lianbang.core.aggregate.Krum;
import io.lianbang.core.aggregate.PairwiseDistances;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The cost of Krum's pairwise distances: n client models of d values each (default 100 × 1M),
 * timed for {@link PairwiseDistances} on 1 and T threads and for a naive reference in the same
 * invocation (one pair at a time over all coordinates, one double accumulator), then Multi-Krum's
 * selection on the distances. Run by {@code bench/krum-distances.sh}.
 *
 * <pre>
 * java -Xmx2g -cp lianbang-bench/target/classes:lianbang-core/target/classes \
 *   io.lianbang.bench.KrumDistances --clients 100 --dim 1000000 --threads 2 --repeats 3
 * </pre>
 *
 * Prints one line per measurement ({@code <name> seconds=<best of repeats>}) and the ratio of the
 * naive reference to the blocked single-thread code.
 */
public final class KrumDistances {
  private KrumDistances() {}

  public static void main(String[] args) {
    int n = 100;
    int d = 1_000_000;
    int threads = 2;
    int repeats = 3;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--clients" -> n = Integer.parseInt(args[i + 1]);
        case "--dim" -> d = Integer.parseInt(args[i + 1]);
        case "--threads" -> threads = Integer.parseInt(args[i + 1]);
        case "--repeats" -> repeats = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    SplittableRandom rng = new SplittableRandom(1);
    float[][] rows = new float[n][d];
    for (float[] r : rows) for (int k = 0; k < d; k++) r[k] = (float) rng.nextGaussian();
    System.out.printf(Locale.ROOT, "clients=%d dim=%d pairs=%d threads=%d java=%s%n", n, d, (long) n * (n - 1) / 2, threads,
        System.getProperty("java.version"));
    final int t = threads;
    double naive = best(repeats, () -> naive(rows));
    double one = best(repeats, () -> PairwiseDistances.squared(rows, 1));
    double many = best(repeats, () -> PairwiseDistances.squared(rows, t));
    double[][] dist = PairwiseDistances.squared(rows, t);
    int f = Math.max(0, (n - 3) / 4);
    int m = Math.max(1, n - f);
    double select = best(repeats, () -> Krum.select(dist, f, m));
    System.out.printf(Locale.ROOT, "naive_reference seconds=%.3f%n", naive);
    System.out.printf(Locale.ROOT, "pairwise_distances_1_thread seconds=%.3f%n", one);
    System.out.printf(Locale.ROOT, "pairwise_distances_%d_threads seconds=%.3f%n", threads, many);
    System.out.printf(Locale.ROOT, "multi_krum_selection_f%d seconds=%.4f%n", f, select);
    System.out.printf(Locale.ROOT, "speedup_vs_naive_1_thread=%.2f speedup_vs_naive_%d_threads=%.2f%n", naive / one, threads, naive / many);
  }

  private static double best(int repeats, Runnable r) {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < repeats; i++) {
      long s = System.nanoTime();
      r.run();
      best = Math.min(best, (System.nanoTime() - s) / 1e9);
    }
    return best;
  }

  /** One pair at a time over all coordinates with one accumulator: the straightforward loop. */
  static double[][] naive(float[][] rows) {
    int n = rows.length;
    double[][] out = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        double s = 0;
        float[] a = rows[i];
        float[] b = rows[j];
        for (int k = 0; k < a.length; k++) {
          double x = (double) a[k] - b[k];
          s += x * x;
        }
        out[i][j] = s;
        out[j][i] = s;
      }
    }
    return out;
  }
}
