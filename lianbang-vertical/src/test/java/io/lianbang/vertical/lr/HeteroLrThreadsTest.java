package io.lianbang.vertical.lr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lianbang.privacy.paillier.PaillierKeyPair;
import io.lianbang.privacy.paillier.PaillierPublicKey;
import io.lianbang.vertical.data.TestData;
import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.link.InMemoryLinks;
import io.lianbang.vertical.parallel.CryptoWorkers;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hetero LR gives the same models on one thread and on several, and the parallel encrypted column
 * sums equal the plaintext sums of products.
 */
class HeteroLrThreadsTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static PaillierKeyPair keys;
  private static VerticalTable guest;
  private static VerticalTable host;

  @BeforeAll
  static void setUp() {
    keys = PaillierKeyPair.generate(1024, RANDOM);
    VerticalTable g = TestData.breastGuest();
    guest = LrRun.slice(g, 60, 0, 10);
    host = LrRun.slice(TestData.breastHost().select(g.ids()), 60, 0, 20);
  }

  private record Models(HeteroLrGuestModel guest, HeteroLrHostModel host, HeteroLrArbiterResult arbiter) {}

  private static Models train(HeteroLrParams p, int threads) throws Exception {
    InMemoryLinks net = InMemoryLinks.connect("guest", "host-1", "arbiter");
    CompletableFuture<HeteroLrArbiterResult> a = CompletableFuture.supplyAsync(
        () -> new HeteroLrArbiter(p, "guest", List.of("host-1"), keys).run(net.link("arbiter")));
    CompletableFuture<HeteroLrHostModel> h = CompletableFuture.supplyAsync(
        () -> new HeteroLrHost(p, host, "guest", "arbiter").threads(threads).run(net.link("host-1")));
    HeteroLrGuestModel g = new HeteroLrGuest(p, guest, "arbiter", List.of("host-1")).threads(threads).run(net.link("guest"));
    return new Models(g, h.get(60, TimeUnit.SECONDS), a.get(60, TimeUnit.SECONDS));
  }

  @Test
  void oneAndThreeThreadsGiveIdenticalModelsAndLosses() throws Exception {
    // mini-batches of 25 rows: three batches per iteration, the pool closed after the last one
    HeteroLrParams p = HeteroLrParams.builder().maxIter(2).batchSize(25).timeout(Duration.ofSeconds(60)).build();
    Models one = train(p, 1);
    Models three = train(p, 3);
    assertArrayEquals(one.guest().weights(), three.guest().weights(), 0.0);
    assertEquals(one.guest().intercept(), three.guest().intercept(), 0.0);
    assertArrayEquals(one.host().weights(), three.host().weights(), 0.0);
    assertEquals(one.arbiter().lossHistory(), three.arbiter().lossHistory());
    assertEquals(2, three.arbiter().lossHistory().size());
    HeteroLrReference.Model ref = HeteroLrReference.fit(guest, List.of(host), p);
    assertArrayEquals(ref.guestWeights(), three.guest().weights(), 1e-6);
    assertArrayEquals(ref.hostWeights().get(0), three.host().weights(), 1e-6);
  }

  @Test
  void twoPartyOneAndThreeThreadsGiveIdenticalModels() throws Exception {
    HeteroLrParams p = HeteroLrParams.builder().maxIter(2).timeout(Duration.ofSeconds(60)).build();
    HeteroLrTwoPartyGuest.Result[] g = new HeteroLrTwoPartyGuest.Result[2];
    HeteroLrHostModel[] h = new HeteroLrHostModel[2];
    int[] threads = {1, 3};
    for (int k = 0; k < 2; k++) {
      InMemoryLinks net = InMemoryLinks.connect("guest", "host");
      int t = threads[k];
      CompletableFuture<HeteroLrHostModel> hf = CompletableFuture.supplyAsync(
          () -> new HeteroLrTwoPartyHost(p, host, "guest").threads(t).run(net.link("host")));
      g[k] = new HeteroLrTwoPartyGuest(p, guest, "host").threads(t).run(net.link("guest"));
      h[k] = hf.get(60, TimeUnit.SECONDS);
    }
    assertArrayEquals(g[0].model().weights(), g[1].model().weights(), 0.0);
    assertEquals(g[0].model().intercept(), g[1].model().intercept(), 0.0);
    assertArrayEquals(h[0].weights(), h[1].weights(), 0.0);
    assertEquals(g[0].lossHistory(), g[1].lossHistory());
  }

  /** Σ_i a_i·round(x_ij·2^f) for every column j, in plain integers. */
  private static BigInteger[] plainSums(BigInteger[] a, double[][] x, int[] rows, int columns, int f) {
    BigInteger[] out = new BigInteger[columns];
    for (int j = 0; j < columns; j++) {
      BigInteger s = BigInteger.ZERO;
      for (int i = 0; i < rows.length; i++) s = s.add(a[i].multiply(LrCrypto.encode(x[rows[i]][j], f)));
      out[j] = s;
    }
    return out;
  }

  @Test
  void columnSumsEqualPlainSumsAndTheSameCiphertextsOnAnyThreadCount() {
    PaillierPublicKey key = keys.publicKey();
    Random data = new Random(14);
    int n = 600;
    int f = 20;
    double[][] x = new double[n][3];
    for (double[] r : x) for (int j = 0; j < 3; j++) r[j] = data.nextGaussian() * 3; // negative entries too
    int[] rows = new int[520]; // 520 of the rows, out of order: two slices of 260 rows for one column on 3 threads
    for (int i = 0; i < rows.length; i++) rows[i] = (i * 7 + 3) % n;
    BigInteger[] a = new BigInteger[rows.length];
    BigInteger[] cts = new BigInteger[rows.length];
    for (int i = 0; i < rows.length; i++) {
      a[i] = BigInteger.valueOf(data.nextInt(2_000_001) - 1_000_000);
      cts[i] = key.encrypt(a[i].mod(key.n()), RANDOM);
    }
    for (int columns : new int[] {1, 3}) {
      BigInteger[] expected = plainSums(a, x, rows, columns, f);
      BigInteger[] reference = null;
      for (int threads : new int[] {1, 2, 3}) {
        BigInteger[] sums;
        try (CryptoWorkers w = CryptoWorkers.start(threads, Duration.ofSeconds(60))) {
          sums = LrCrypto.columnSums(w, key, cts, x, rows, columns, f);
        }
        for (int j = 0; j < columns; j++) {
          assertEquals(expected[j], LrCrypto.signed(keys.privateKey().decrypt(sums[j]), key.n()), columns + " columns, " + threads + " threads, column " + j);
        }
        if (reference == null) reference = sums;
        else assertArrayEquals(reference, sums, "the same ciphertexts with " + threads + " threads");
      }
    }
  }
}
