package io.lianbang.vertical.lr;

import io.lianbang.privacy.paillier.PaillierKeyPair;
import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.link.InMemoryLinks;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs guest, hosts and arbiter of one training in threads over {@link InMemoryLinks}. */
final class LrRun {
  /** The outcome of every party. */
  record Outcome(HeteroLrGuestModel guest, List<HeteroLrHostModel> hosts, HeteroLrArbiterResult arbiter, InMemoryLinks net) {}

  private LrRun() {}

  static List<String> hostNames(int count) {
    List<String> names = new ArrayList<>();
    for (int k = 1; k <= count; k++) names.add("host-" + k);
    return names;
  }

  static Outcome train(VerticalTable guest, List<VerticalTable> hosts, HeteroLrParams params, PaillierKeyPair keys) throws Exception {
    List<String> names = hostNames(hosts.size());
    List<String> all = new ArrayList<>(names);
    all.add("guest");
    all.add("arbiter");
    InMemoryLinks net = InMemoryLinks.connect(all.toArray(new String[0]));
    ExecutorService pool = Executors.newFixedThreadPool(all.size());
    try {
      Future<HeteroLrArbiterResult> a = pool.submit(() -> new HeteroLrArbiter(params, "guest", names, keys).run(net.link("arbiter")));
      List<Future<HeteroLrHostModel>> h = new ArrayList<>();
      for (int k = 0; k < hosts.size(); k++) {
        VerticalTable table = hosts.get(k);
        String name = names.get(k);
        h.add(pool.submit(() -> new HeteroLrHost(params, table, "guest", "arbiter").run(net.link(name))));
      }
      Future<HeteroLrGuestModel> g = pool.submit(() -> new HeteroLrGuest(params, guest, "arbiter", names).run(net.link("guest")));
      HeteroLrGuestModel gm = get(g);
      List<HeteroLrHostModel> hm = new ArrayList<>();
      for (Future<HeteroLrHostModel> f : h) hm.add(get(f));
      return new Outcome(gm, hm, get(a), net);
    } finally {
      pool.shutdownNow();
    }
  }

  static <T> T get(Future<T> f) throws Exception {
    try {
      return f.get(120, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception ex) throw ex;
      throw e;
    } catch (TimeoutException e) {
      f.cancel(true);
      throw e;
    }
  }

  /** The rows {@code [0, rows)} of {@code t}, columns {@code [from, to)}. */
  static VerticalTable slice(VerticalTable t, int rows, int from, int to) {
    double[][] f = new double[rows][];
    for (int i = 0; i < rows; i++) f[i] = java.util.Arrays.copyOfRange(t.features()[i], from, to);
    double[] y = t.labels() == null ? null : java.util.Arrays.copyOf(t.labels(), rows);
    return new VerticalTable(t.ids().subList(0, rows), y, t.featureNames().subList(from, to), f);
  }
}
