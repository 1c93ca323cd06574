package io.lianbang.bench;

import io.lianbang.core.aggregate.ExactWeightedSum;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.privacy.secagg.InProcessSecAggTransport;
import io.lianbang.privacy.secagg.SecAggMessage;
import io.lianbang.privacy.secagg.SecAggParams;
import io.lianbang.privacy.secagg.SecAggParticipant;
import io.lianbang.privacy.secagg.SecAggResult;
import io.lianbang.privacy.secagg.SecAggServer;
import io.lianbang.privacy.secagg.SecAggTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * SecAgg+ against plain aggregation for one round with n clients and d parameters, in one
 * invocation: wall time of the whole protocol (all clients' and the server's work, in process on
 * the given threads) against a plain round (the server folding n float32 updates into the exact
 * weighted sum), and bytes each client sends and receives against the 4·d bytes of a plain float32
 * upload. Run through {@code bench/secagg.sh}.
 *
 * <p>Usage: {@code SecAggBench [clients=100] [params=100000] [k=0 (log default)] [dropout=0.0] [threads=2] [repeat=3]}
 */
public final class SecAggBench {
  private SecAggBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int d = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int k = args.length > 2 ? Integer.parseInt(args[2]) : 0;
    double dropout = args.length > 3 ? Double.parseDouble(args[3]) : 0.0;
    int threads = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    int repeat = args.length > 5 ? Integer.parseInt(args[5]) : 3;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    SplittableRandom rng = new SplittableRandom(1);
    List<String> ids = new ArrayList<>();
    List<float[]> updates = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(String.format("client-%04d", i));
      float[] u = new float[d];
      for (int j = 0; j < d; j++) u[j] = (float) (rng.nextGaussian() * 0.01);
      updates.add(u);
    }
    Set<String> dropped = new HashSet<>();
    while (dropped.size() < Math.round(dropout * n)) dropped.add(ids.get(rng.nextInt(n)));
    SecAggParams params = new SecAggParams(k, 0, 1.0, 32, 10_000);

    double plainBest = Double.MAX_VALUE;
    double secBest = Double.MAX_VALUE;
    SecAggResult last = null;
    for (int r = 0; r < repeat + 1; r++) {
      long t0 = System.nanoTime();
      ExactWeightedSum sum = new ExactWeightedSum(Parameters.of(Tensor.zeros(d)));
      for (int i = 0; i < n; i++) {
        if (!dropped.contains(ids.get(i))) sum.add(Parameters.of(Tensor.vector(updates.get(i))), 600);
      }
      sum.mean();
      double plain = (System.nanoTime() - t0) / 1e9;

      Map<String, SecAggParticipant> participants = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        SecAggParticipant p = new SecAggParticipant();
        p.setInput(1, updates.get(i), 600, i);
        participants.put(ids.get(i), p);
      }
      InProcessSecAggTransport inner = new InProcessSecAggTransport(participants, pool);
      SecAggTransport transport = (id, m, deadline) -> m instanceof SecAggMessage.ShareDelivery && dropped.contains(id)
          ? CompletableFuture.failedFuture(new java.io.IOException("dropped"))
          : inner.send(id, m, deadline);
      long t1 = System.nanoTime();
      last = new SecAggServer(params, transport, Duration.ofMinutes(10)).aggregate(1, ids, d, r);
      double sec = (System.nanoTime() - t1) / 1e9;
      if (r > 0) { // the first repetition warms up the JIT
        plainBest = Math.min(plainBest, plain);
        secBest = Math.min(secBest, sec);
      }
    }
    pool.shutdownNow();
    long up = 0;
    long down = 0;
    for (String id : last.survivors()) {
      up += last.traffic().get(id).up();
      down += last.traffic().get(id).down();
    }
    int m = last.survivors().size();
    double plainBytes = 4.0 * d;
    System.out.printf("secagg+ n=%d d=%d k=%d t=%d dropout=%.0f%% threads=%d (best of %d)%n",
        n, d, last.degree(), last.threshold(), 100 * dropout, threads, repeat);
    System.out.printf("  plain round (server sum)   %8.3f s%n", plainBest);
    System.out.printf("  secagg+ round (all stages) %8.3f s   = %.1fx the plain round, %.1f ms of CPU per client%n",
        secBest, secBest / plainBest, 1000 * secBest * threads / n);
    System.out.printf("  per surviving client: up %d bytes, down %d bytes; plain float32 upload %d bytes%n",
        up / m, down / m, (long) plainBytes);
    System.out.printf("  communication expansion (up) %.3fx, (up+down, vs plain up) %.3fx%n",
        up / m / plainBytes, (up + down) / m / plainBytes);
  }
}
