package io.lianbang.vertical.boost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.privacy.paillier.PaillierKeyPair;
import io.lianbang.privacy.paillier.PaillierPublicKey;
import io.lianbang.vertical.data.TestData;
import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.link.InMemoryLinks;
import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.link.PayloadWriter;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The statements of docs/protocol.md ("SecureBoost") that the other SecureBoost tests do not
 * already check: the packing layout slot by slot, the host's checks of {@code sb.setup},
 * {@code sb.gh} and {@code sb.nodes}, and the documented defaults.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SecureBoostConformanceTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final BigInteger B = BigInteger.ONE.shiftLeft(40);
  private static PaillierKeyPair keys;
  private static ExecutorService pool;
  private static VerticalTable host;

  @BeforeAll
  static void setUp() {
    keys = PaillierKeyPair.generate(1024, new SecureRandom());
    pool = Executors.newCachedThreadPool();
    host = BoostFixtures.columns(BoostFixtures.rows(TestData.breastHost(), IntStream.range(0, 10).toArray()), 0, 2);
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  private static BigInteger slot(BigInteger plain, int w, int k) {
    return plain.shiftRight(k * w).and(BigInteger.ONE.shiftLeft(w).subtract(BigInteger.ONE));
  }

  @Test
  void rowsAndHistogramsFollowTheDocumentedPackingLayout() {
    PaillierPublicKey pk = keys.publicKey();
    int rows = 10;
    int w = BigInteger.TWO.multiply(B).multiply(BigInteger.valueOf(rows)).bitLength(); // bitLength(2·2^40·rows) = 45
    assertEquals(45, w);
    GhPacking packing = new GhPacking(pk, rows, 2);
    double[] g = {0.25, -0.5, 0.75, -1.0, 0.125};
    double[] h = {0.1875, 0.25, 0.0625, 0.0, 0.109375};
    long[] qg = new long[5];
    long[] qh = new long[5];
    for (int r = 0; r < 5; r++) {
      qg[r] = Logistic.toFixed(g[r]);
      qh[r] = Logistic.toFixed(h[r]);
    }
    BigInteger[] rowCts = packing.encryptRows(qg, qh, new SecureRandom());
    // a row plaintext is u_g + u_h·2^w with u = value·2^40 + 2^40
    for (int r = 0; r < 5; r++) {
      BigInteger ug = BigInteger.valueOf(qg[r]).add(B);
      BigInteger uh = BigInteger.valueOf(qh[r]).add(B);
      assertEquals(ug.add(uh.shiftLeft(w)), keys.privateKey().decrypt(rowCts[r]), "row " + r);
    }
    // a node of m = 5 rows in bins 0, 2, 2, 0, 1 (of 4): cumulative bins ≤ 0, ≤ 1, ≤ 2, padded to m offsets
    int m = 5;
    int[] bin = {0, 2, 2, 0, 1};
    BigInteger[] cum = new BigInteger[3];
    int[] count = new int[3];
    long[] sumG = new long[3];
    long[] sumH = new long[3];
    for (int b = 0; b < 3; b++) {
      cum[b] = pk.zero();
      for (int r = 0; r < 5; r++) {
        if (bin[r] <= b) {
          cum[b] = pk.add(cum[b], rowCts[r]);
          count[b]++;
          sumG[b] += qg[r];
          sumH[b] += qh[r];
        }
      }
    }
    BigInteger[] packed = packing.packBins(cum, count, m);
    assertEquals(2, packed.length, "⌈3 bins / 2 per ciphertext⌉");
    // bin j of a ciphertext holds slots 2j (g) and 2j + 1 (h), each sum·2^40 + m·2^40 whatever c_b
    BigInteger offsets = B.multiply(BigInteger.valueOf(m));
    for (int b = 0; b < 3; b++) {
      BigInteger plain = keys.privateKey().decrypt(packed[b / 2]);
      int j = b % 2;
      assertEquals(BigInteger.valueOf(sumG[b]).add(offsets), slot(plain, w, 2 * j), "g of bin " + b);
      assertEquals(BigInteger.valueOf(sumH[b]).add(offsets), slot(plain, w, 2 * j + 1), "h of bin " + b);
      int slotsUsed = b == 2 ? 2 : 4;
      assertEquals(0, plain.shiftRight(slotsUsed * w).signum(), "nothing above the last bin of ciphertext " + b / 2);
    }
    // the documented capacities of a 1024-bit key
    assertEquals(9, GhPacking.maxBinsPerCiphertext(pk, 30_000));
    assertEquals(10, GhPacking.maxBinsPerCiphertext(pk, 455));
  }

  private static Exception hostRefuses(BoostParams p, java.util.function.Consumer<PartyLink> guest) {
    InMemoryLinks links = InMemoryLinks.connect("guest", "host-1");
    Future<HostLookupTable> real = pool.submit(new SecureBoostHost(links.link("host-1"), "guest", host, p)::run);
    guest.accept(links.link("guest"));
    Exception e = assertThrows(Exception.class, () -> real.get(30, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof SecureBoostException, String.valueOf(e.getCause()));
    return (Exception) e.getCause();
  }

  private static byte[] setup(int rows, int trees, int depth) {
    return new PayloadWriter().putBigInteger(keys.publicKey().n()).putInt(rows).putInt(trees).putInt(depth).putInt(1).toByteArray();
  }

  @Test
  void theHostRefusesASetupWithOtherTreesOrDepth() {
    BoostParams p = BoostParams.builder().trees(2).maxDepth(3).receiveTimeout(WAIT).build();
    Exception trees = hostRefuses(p, g -> g.send("host-1", SecureBoostProtocol.SETUP, setup(10, 3, 3)));
    assertTrue(trees.getMessage().contains("sb.setup from guest") && trees.getMessage().contains("trees 3 differs from this host's trees 2"),
        trees.getMessage());
    Exception depth = hostRefuses(p, g -> g.send("host-1", SecureBoostProtocol.SETUP, setup(10, 2, 4)));
    assertTrue(depth.getMessage().contains("maxDepth 4 differs from this host's maxDepth 3"), depth.getMessage());
  }

  @Test
  void theHostRefusesGradientsOfTheWrongCountAndNodeRowsThatAreNotIncreasing() {
    BoostParams p = BoostParams.builder().trees(1).maxDepth(3).receiveTimeout(WAIT).build();
    GhPacking packing = new GhPacking(keys.publicKey(), 10, 1);
    BigInteger[] nine = packing.encryptRows(new long[9], new long[9], new SecureRandom());
    Exception count = hostRefuses(p, g -> {
      g.send("host-1", SecureBoostProtocol.SETUP, setup(10, 1, 3));
      g.send("host-1", SecureBoostProtocol.GH + "/0", new PayloadWriter().putBigIntegers(nine).toByteArray());
    });
    assertTrue(count.getMessage().contains("sb.gh/0 from guest") && count.getMessage().contains("gh must have 10 ciphertexts, got 9"),
        count.getMessage());

    BigInteger[] ten = packing.encryptRows(new long[10], new long[10], new SecureRandom());
    Exception order = hostRefuses(p, g -> {
      g.send("host-1", SecureBoostProtocol.SETUP, setup(10, 1, 3));
      g.send("host-1", SecureBoostProtocol.GH + "/0", new PayloadWriter().putBigIntegers(ten).toByteArray());
      g.send("host-1", SecureBoostProtocol.NODES + "/0.0", new PayloadWriter().putInt(1).putInt(0).putInts(new int[] {0, 2, 1}).toByteArray());
    });
    assertTrue(order.getMessage().contains("sb.nodes/0.0 from guest")
        && order.getMessage().contains("rows of node 0 must be increasing, distinct rows in [0, 10), got 1 at 2"), order.getMessage());
  }

  @Test
  void theDocumentedDefaults() {
    assertEquals(Duration.ofMinutes(5), BoostParams.DEFAULTS.receiveTimeout());
    assertEquals(40, Logistic.FRACTION_BITS);
  }
  @Test
  void zeroNodesEndTheTree() throws Exception {
    BoostParams p = BoostParams.builder().trees(1).maxDepth(3).receiveTimeout(WAIT).build();
    InMemoryLinks links = InMemoryLinks.connect("guest", "host-1");
    Future<HostLookupTable> real = pool.submit(new SecureBoostHost(links.link("host-1"), "guest", host, p)::run);
    PartyLink g = links.link("guest");
    g.send("host-1", SecureBoostProtocol.SETUP, setup(10, 1, 3));
    g.receive("host-1", SecureBoostProtocol.BINS, WAIT);
    GhPacking packing = new GhPacking(keys.publicKey(), 10, 1);
    g.send("host-1", SecureBoostProtocol.GH + "/0", new PayloadWriter().putBigIntegers(packing.encryptRows(new long[10], new long[10], new SecureRandom())).toByteArray());
    g.send("host-1", SecureBoostProtocol.NODES + "/0.0", new PayloadWriter().putInt(0).toByteArray());
    HostLookupTable lookup = real.get(30, TimeUnit.SECONDS); // the only tree ended at depth 0: the host is done
    assertEquals(0, lookup.records().size());
  }
}
