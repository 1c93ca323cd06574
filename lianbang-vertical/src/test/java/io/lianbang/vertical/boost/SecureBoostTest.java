package io.lianbang.vertical.boost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.privacy.paillier.PaillierKeyPair;
import io.lianbang.vertical.data.TestData;
import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.link.InMemoryLinks;
import io.lianbang.vertical.link.LinkStats;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SecureBoost over in-memory links equals the plaintext reference on the joined binned data. */
class SecureBoostTest {
  private static PaillierKeyPair keys;
  private static ExecutorService pool;

  @BeforeAll
  static void keys() {
    keys = PaillierKeyPair.generate(1024, new SecureRandom());
    pool = Executors.newCachedThreadPool();
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  /** For {@link SecureBoostExperiment}: the key and threads that {@link #federated} uses outside JUnit. */
  static void keysForExperiment(PaillierKeyPair k) {
    keys = k;
    pool = Executors.newCachedThreadPool();
  }

  /** For {@link SecureBoostExperiment}: stops the threads. */
  static void stopPool() {
    pool.shutdownNow();
  }

  record Run(BoostModel model, List<HostLookupTable> lookups, double[] trainPred, double[] testPred, InMemoryLinks links, long millis) {}

  /** Trains guest and hosts in threads, then predicts the test rows through the hosts. */
  static Run federated(VerticalTable guestTrain, List<VerticalTable> hostTrain, VerticalTable guestTest, List<VerticalTable> hostTest, BoostParams p)
      throws Exception {
    List<String> names = new ArrayList<>();
    names.add("guest");
    List<String> hosts = new ArrayList<>();
    for (int k = 0; k < hostTrain.size(); k++) hosts.add("host-" + (k + 1));
    names.addAll(hosts);
    InMemoryLinks links = InMemoryLinks.connect(names.toArray(String[]::new));
    long start = System.nanoTime();
    List<Future<HostLookupTable>> hf = new ArrayList<>();
    for (int k = 0; k < hosts.size(); k++) {
      SecureBoostHost h = new SecureBoostHost(links.link(hosts.get(k)), "guest", hostTrain.get(k), p);
      hf.add(pool.submit(h::run));
    }
    BoostModel model = new SecureBoostGuest(links.link("guest"), hosts, guestTrain, p, keys).run();
    List<HostLookupTable> lookups = new ArrayList<>();
    for (Future<HostLookupTable> f : hf) lookups.add(f.get(30, TimeUnit.SECONDS));
    long millis = (System.nanoTime() - start) / 1_000_000;
    double[] train = predict(links, hosts, model, lookups, guestTrain, hostTrain, "train");
    double[] test = predict(links, hosts, model, lookups, guestTest, hostTest, "test");
    return new Run(model, lookups, train, test, links, millis);
  }

  static double[] predict(InMemoryLinks links, List<String> hosts, BoostModel model, List<HostLookupTable> lookups, VerticalTable guest,
      List<VerticalTable> hostRows, String session) throws Exception {
    List<Future<Integer>> hf = new ArrayList<>();
    for (int k = 0; k < hosts.size(); k++) {
      SecureBoostPredictHost h = new SecureBoostPredictHost(links.link(hosts.get(k)), "guest", lookups.get(k), hostRows.get(k), session, Duration.ofSeconds(30));
      hf.add(pool.submit(h::run));
    }
    double[] p = new SecureBoostPredictGuest(links.link("guest"), hosts, model, guest, session, Duration.ofSeconds(30)).run();
    for (Future<Integer> f : hf) assertTrue(f.get(30, TimeUnit.SECONDS) <= model.trees().stream().mapToInt(BoostTree::depth).max().orElse(0) + 1);
    return p;
  }

  /** Same trees: local splits on the same (feature, bin), host splits whose record holds the reference's (feature, bin), equal leaves. */
  static void assertSameModel(BoostModel ref, BoostModel fed, VerticalTable guest, List<String> hosts, List<HostLookupTable> lookups, List<VerticalTable> hostTables) {
    assertEquals(ref.initScore(), fed.initScore(), 0.0);
    assertEquals(ref.trees().size(), fed.trees().size());
    int hostSplits = 0;
    for (int t = 0; t < ref.trees().size(); t++) {
      List<TreeNode> a = ref.trees().get(t).nodes();
      List<TreeNode> b = fed.trees().get(t).nodes();
      assertEquals(a.size(), b.size(), "nodes of tree " + t);
      for (int i = 0; i < a.size(); i++) {
        TreeNode x = a.get(i);
        TreeNode y = b.get(i);
        String where = "tree " + t + " node " + i;
        assertEquals(x.left(), y.left(), where);
        assertEquals(x.right(), y.right(), where);
        if (x.isLeaf()) {
          assertTrue(y.isLeaf(), where);
          assertEquals(x.weight(), y.weight(), 1e-9, where);
        } else if (y.kind() == TreeNode.Kind.LOCAL_SPLIT) {
          assertEquals(x.feature(), y.feature(), where);
          assertEquals(x.bin(), y.bin(), where);
          assertEquals(x.threshold(), y.threshold(), where);
        } else {
          hostSplits++;
          int k = hosts.indexOf(y.host());
          HostLookupTable.Entry e = lookups.get(k).record(y.record());
          int offset = guest.columns();
          for (int j = 0; j < k; j++) offset += hostTables.get(j).columns();
          assertEquals(x.feature(), offset + e.feature(), where);
          assertEquals(x.bin(), e.bin(), where);
          assertEquals(x.threshold(), e.threshold(), where);
        }
      }
    }
    assertTrue(hostSplits > 0, "some splits are on host features");
  }

  @Test
  void breastEqualsTheReference() throws Exception {
    VerticalTable guest = TestData.breastGuest();
    VerticalTable host = TestData.breastHost();
    int[][] split = BoostFixtures.split(guest.rows(), BoostFixtures.SPLIT_SEED, 0.8);
    VerticalTable gTrain = BoostFixtures.rows(guest, split[0]);
    VerticalTable gTest = BoostFixtures.rows(guest, split[1]);
    List<VerticalTable> hTrain = List.of(BoostFixtures.rows(host, split[0]));
    List<VerticalTable> hTest = List.of(BoostFixtures.rows(host, split[1]));
    BoostParams p = BoostParams.builder().trees(10).maxDepth(3).maxBins(32).receiveTimeout(Duration.ofSeconds(60)).build();
    Run run = federated(gTrain, hTrain, gTest, hTest, p);
    double[][] joinedTrain = BoostFixtures.join(gTrain, hTrain.get(0));
    double[][] joinedTest = BoostFixtures.join(gTest, hTest.get(0));
    BoostModel ref = GbdtReference.train(joinedTrain, gTrain.labels(), p);
    assertSameModel(ref, run.model, gTrain, List.of("host-1"), run.lookups, hTrain);
    double[] refTest = ref.predict(joinedTest);
    for (int r = 0; r < refTest.length; r++) assertEquals(refTest[r], run.testPred[r], 1e-9, "test row " + r);
    double aucTrain = BoostFixtures.auc(run.trainPred, gTrain.labels());
    double aucTest = BoostFixtures.auc(run.testPred, gTest.labels());
    System.out.printf("SecureBoost breast: %d ms, AUC train %.4f test %.4f (reference test %.4f); guest sent %d bytes, received %d%n", run.millis,
        aucTrain, aucTest, BoostFixtures.auc(refTest, gTest.labels()), run.links.link("guest").stats().totalBytes(true),
        run.links.link("guest").stats().totalBytes(false));
    assertTrue(aucTest > 0.95, "test AUC " + aucTest);
    for (var e : run.links.link("guest").stats().snapshot().entrySet()) {
      assertTrue(SecureBoostProtocol.MESSAGES.containsKey(e.getKey().kind()), "documented kind " + e.getKey().kind());
    }
    LinkStats.Count gh = run.links.link("host-1").stats().snapshot().get(new LinkStats.Key(false, "guest", SecureBoostProtocol.GH));
    assertEquals(10, gh.messages());
  }

  @Test
  void creditSubsampleWithTwoHostsEqualsTheReference() throws Exception {
    VerticalTable guest = TestData.creditGuest();
    VerticalTable host = TestData.creditHost();
    int[][] sample = BoostFixtures.split(guest.rows(), BoostFixtures.SPLIT_SEED, 0.03); // 900 rows
    VerticalTable g = BoostFixtures.rows(guest, sample[0]);
    VerticalTable h = BoostFixtures.rows(host, sample[0]);
    int[][] split = BoostFixtures.split(g.rows(), BoostFixtures.SPLIT_SEED, 0.8);
    VerticalTable gTrain = BoostFixtures.rows(g, split[0]);
    VerticalTable gTest = BoostFixtures.rows(g, split[1]);
    List<VerticalTable> hTrain = List.of(BoostFixtures.columns(BoostFixtures.rows(h, split[0]), 0, 5), BoostFixtures.columns(BoostFixtures.rows(h, split[0]), 5, 10));
    List<VerticalTable> hTest = List.of(BoostFixtures.columns(BoostFixtures.rows(h, split[1]), 0, 5), BoostFixtures.columns(BoostFixtures.rows(h, split[1]), 5, 10));
    BoostParams p = BoostParams.builder().trees(3).maxDepth(3).maxBins(32).lambda(1).minChildWeight(1).receiveTimeout(Duration.ofSeconds(60)).build();
    Run run = federated(gTrain, hTrain, gTest, hTest, p);
    double[][] joinedTrain = BoostFixtures.join(gTrain, hTrain.get(0), hTrain.get(1));
    double[][] joinedTest = BoostFixtures.join(gTest, hTest.get(0), hTest.get(1));
    BoostModel ref = GbdtReference.train(joinedTrain, gTrain.labels(), p);
    assertSameModel(ref, run.model, gTrain, List.of("host-1", "host-2"), run.lookups, hTrain);
    double[] refTest = ref.predict(joinedTest);
    for (int r = 0; r < refTest.length; r++) assertEquals(refTest[r], run.testPred[r], 1e-9, "test row " + r);
    System.out.printf("SecureBoost credit subsample (%d train rows, 2 hosts): %d ms, AUC test %.4f%n", gTrain.rows(), run.millis,
        BoostFixtures.auc(run.testPred, gTest.labels()));
  }
}
