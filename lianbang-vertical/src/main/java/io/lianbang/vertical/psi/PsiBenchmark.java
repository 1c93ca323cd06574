package io.lianbang.vertical.psi;

import io.lianbang.vertical.link.InMemoryLinks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The PSI on synthetic id sets with a known overlap, both roles in this JVM over in-memory links
 * (so the two parties share the machine's cores): checks the intersection exactly and prints the
 * time per phase, the total and the bytes sent. Run by {@code bench/psi.sh}.
 *
 * <p>Arguments: {@code [ids per side = 1000000] [common ids = half] [batch size = 65536]
 * [threads per party = 2] [seed = 14]}. The seed only shapes the ids and their order.
 */
public final class PsiBenchmark {
  private PsiBenchmark() {}

  /** Runs the benchmark; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    int n = arg(args, 0, "ids per side", 1_000_000);
    int common = arg(args, 1, "common ids", n / 2);
    int batch = arg(args, 2, "batch size", 65_536);
    int threads = arg(args, 3, "threads per party", 2);
    int seed = arg(args, 4, "seed", 14);
    if (common > n) throw new IllegalArgumentException("common ids must be <= ids per side " + n + ", got " + common);
    PsiSettings settings = PsiSettings.DEFAULTS.withBatchSize(batch).withThreads(threads).withTimeout(Duration.ofHours(1));

    // ids of mixed form: common ones "c<k>-<hex>", the others side-specific; shuffled per side
    SplittableRandom random = new SplittableRandom(seed);
    List<String> expected = new ArrayList<>(common);
    List<String> guest = new ArrayList<>(n);
    List<String> host = new ArrayList<>(n);
    for (int k = 0; k < common; k++) expected.add("c" + k + "-" + Long.toHexString(random.nextLong()));
    guest.addAll(expected);
    host.addAll(expected);
    for (int k = common; k < n; k++) {
      guest.add("g" + k + "\u00b7" + Long.toHexString(random.nextLong()));
      host.add("h" + k + "\u00b7" + Long.toHexString(random.nextLong()));
    }
    shuffle(guest, random);
    shuffle(host, random);
    expected.sort(null);

    System.out.printf("PSI benchmark: %,d ids per side, %,d common, batch %,d, %d threads per party, %d cores%n", n, common, batch, threads,
        Runtime.getRuntime().availableProcessors());
    InMemoryLinks links = InMemoryLinks.connect("host", "guest");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    long t0 = System.nanoTime();
    PsiResult receiver;
    PsiResult sender;
    try {
      Future<PsiResult> s = pool.submit(() -> new PsiSender(settings).run(links.link("host"), "guest", host));
      receiver = new PsiReceiver(settings).run(links.link("guest"), "host", guest);
      sender = s.get(1, TimeUnit.HOURS);
    } finally {
      pool.shutdownNow();
    }
    double total = (System.nanoTime() - t0) / 1e9;
    boolean exact = expected.equals(receiver.intersection()) && expected.equals(sender.intersection());
    print("receiver (guest)", receiver.phases());
    print("sender (host)", sender.phases());
    System.out.printf("bytes sent: receiver %,d, sender %,d%n", receiver.bytesSent(), sender.bytesSent());
    System.out.printf("intersection %,d ids, %s; total %.1f s (%.1f us per id per side)%n", receiver.size(),
        exact ? "exact" : "WRONG", total, total * 1e6 / n);
    if (!exact) System.exit(1);
  }

  private static void print(String who, Map<String, Duration> phases) {
    StringBuilder b = new StringBuilder(who).append(':');
    phases.forEach((k, v) -> b.append(String.format(" %s %.1f s;", k, v.toNanos() / 1e9)));
    System.out.println(b);
  }

  private static void shuffle(List<String> ids, SplittableRandom random) {
    for (int i = ids.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      String x = ids.get(i);
      ids.set(i, ids.get(j));
      ids.set(j, x);
    }
  }

  private static int arg(String[] args, int i, String name, int fallback) {
    if (args.length <= i) return fallback;
    try {
      int v = Integer.parseInt(args[i]);
      if (v < 0 || (v == 0 && !name.equals("common ids") && !name.equals("seed"))) throw new NumberFormatException();
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a " + (name.equals("common ids") || name.equals("seed") ? "non-negative" : "positive")
          + " integer, got '" + args[i] + "'");
    }
  }
}
