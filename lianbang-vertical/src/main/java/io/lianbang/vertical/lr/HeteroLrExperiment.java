package io.lianbang.vertical.lr;

import io.lianbang.vertical.data.VerticalCsv;
import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.link.InMemoryLinks;
import io.lianbang.vertical.link.LinkStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs guest, one host and arbiter in one process over {@link InMemoryLinks} on two CSV files and
 * prints the time, the loss history, the largest weight difference to {@link HeteroLrReference},
 * the train AUC and the bytes each party sent per message kind. For runs too long for the tests
 * ({@code experiments/hetero-lr.sh}).
 *
 * <pre>
 *   java ... io.lianbang.vertical.lr.HeteroLrExperiment GUEST.csv[.gz] HOST.csv[.gz] [maxIter=5] [batchSize=-1]
 *       [keyBits=1024] [seed=0] [rows=all]
 * </pre>
 */
public final class HeteroLrExperiment {
  private HeteroLrExperiment() {}

  /**
   * Runs the experiment.
   *
   * @throws IllegalArgumentException naming the argument if one is malformed
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 2) throw new IllegalArgumentException("usage: GUEST.csv HOST.csv [maxIter=N] [batchSize=N] [keyBits=N] [seed=N] [rows=N]");
    VerticalTable guest = VerticalCsv.read(Path.of(args[0]));
    VerticalTable host = VerticalCsv.read(Path.of(args[1])).select(guest.ids());
    HeteroLrParams.Builder b = HeteroLrParams.builder().timeout(Duration.ofMinutes(30));
    int rows = guest.rows();
    for (int i = 2; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      if (kv.length != 2) throw new IllegalArgumentException("argument " + args[i] + " is not key=value");
      long v;
      try {
        v = Long.parseLong(kv[1]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(kv[0] + " must be an integer, got " + kv[1]);
      }
      switch (kv[0]) {
        case "maxIter" -> b.maxIter((int) v);
        case "batchSize" -> b.batchSize((int) v);
        case "keyBits" -> b.keyBits((int) v);
        case "seed" -> b.seed(v);
        case "rows" -> rows = (int) Math.min(v, guest.rows());
        default -> throw new IllegalArgumentException("unknown parameter " + kv[0] + "; known: maxIter, batchSize, keyBits, seed, rows");
      }
    }
    if (rows < guest.rows()) {
      List<String> ids = guest.ids().subList(0, rows);
      guest = guest.select(ids);
      host = host.select(ids);
    }
    HeteroLrParams p = b.build();
    VerticalTable g = guest;
    VerticalTable h = host;
    InMemoryLinks net = InMemoryLinks.connect("guest", "host-1", "arbiter");
    long start = System.nanoTime();
    CompletableFuture<HeteroLrArbiterResult> a = CompletableFuture.supplyAsync(
        () -> new HeteroLrArbiter(p, "guest", List.of("host-1")).run(net.link("arbiter")));
    CompletableFuture<HeteroLrHostModel> hf = CompletableFuture.supplyAsync(() -> new HeteroLrHost(p, h, "guest", "arbiter").run(net.link("host-1")));
    HeteroLrGuestModel gm = new HeteroLrGuest(p, g, "arbiter", List.of("host-1")).run(net.link("guest"));
    HeteroLrHostModel hm = hf.get(30, TimeUnit.MINUTES);
    HeteroLrArbiterResult ar = a.get(30, TimeUnit.MINUTES);
    double seconds = (System.nanoTime() - start) / 1e9;
    HeteroLrReference.Model ref = HeteroLrReference.fit(g, List.of(h), p);
    double diff = Math.abs(ref.intercept() - gm.intercept());
    for (int j = 0; j < gm.weights().length; j++) diff = Math.max(diff, Math.abs(ref.guestWeights()[j] - gm.weights()[j]));
    for (int j = 0; j < hm.weights().length; j++) diff = Math.max(diff, Math.abs(ref.hostWeights().get(0)[j] - hm.weights()[j]));
    double[] scores = new double[g.rows()];
    for (int i = 0; i < scores.length; i++) scores[i] = gm.partialScore(g.features()[i]) + hm.partialScore(h.features()[i]);
    System.out.printf("rows %d, guest features %d, host features %d, %s%n", g.rows(), g.columns(), h.columns(), p);
    System.out.printf("%d iterations in %.1f s, converged %s%n", ar.iterations(), seconds, ar.converged());
    System.out.println("loss " + ar.lossHistory());
    System.out.printf("max |federated - reference| over all weights %.3e%n", diff);
    System.out.printf("train AUC %.6f (reference %.6f)%n", Auc.of(scores, g.labels()),
        Auc.of(ref.probabilities(g, List.of(h)), g.labels()));
    for (String party : List.of("guest", "host-1", "arbiter")) {
      for (Map.Entry<LinkStats.Key, LinkStats.Count> e : net.link(party).stats().snapshot().entrySet()) {
        if (e.getKey().sent()) {
          System.out.printf("%-8s -> %-8s %-20s %6d messages %12d bytes%n", party, e.getKey().peer(), e.getKey().kind(),
              e.getValue().messages(), e.getValue().bytes());
        }
      }
    }
  }
}
