package io.lianbang.vertical.lr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.privacy.paillier.PaillierKeyPair;
import io.lianbang.privacy.paillier.PaillierPublicKey;
import io.lianbang.vertical.data.TestData;
import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.link.InMemoryLinks;
import io.lianbang.vertical.link.LinkException;
import io.lianbang.vertical.link.LinkStats;
import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.link.PayloadReader;
import io.lianbang.vertical.link.PayloadWriter;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The statements of docs/protocol.md ("Hetero logistic regression") that the training tests do not
 * already check: the form of the messages on the wire, the bounds each receiver enforces and the
 * documented defaults.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HeteroLrConformanceTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static PaillierKeyPair keys;
  private static VerticalTable guest;
  private static VerticalTable host;

  @BeforeAll
  static void setUp() {
    keys = PaillierKeyPair.generate(1024, RANDOM);
    VerticalTable g = TestData.breastGuest();
    guest = g;
    host = TestData.breastHost().select(g.ids());
  }

  /** A link that keeps a copy of every payload it sends, by receiver and tag. */
  private static final class Recording implements PartyLink {
    final PartyLink inner;
    final Map<String, byte[]> sent = new ConcurrentHashMap<>();

    Recording(PartyLink inner) {
      this.inner = inner;
    }

    @Override
    public String self() {
      return inner.self();
    }

    @Override
    public void send(String to, String tag, byte[] payload) {
      sent.put(to + " " + tag, payload.clone());
      inner.send(to, tag, payload);
    }

    @Override
    public byte[] receive(String from, String tag, Duration timeout) {
      return inner.receive(from, tag, timeout);
    }

    @Override
    public LinkStats stats() {
      return inner.stats();
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  private static BigInteger[] ciphertexts(byte[] payload, int count) {
    PayloadReader r = new PayloadReader("recorded", payload);
    BigInteger[] c = r.getBigIntegers("c", count, 2048);
    r.end();
    return c;
  }

  private static LinkException failure(CompletableFuture<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(60, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof LinkException, String.valueOf(e.getCause()));
    return (LinkException) e.getCause();
  }

  @Test
  void theMessagesCarryTheDocumentedFormsAndEveryKindIsDescribed() throws Exception {
    int rows = 12;
    VerticalTable g = LrRun.slice(guest, rows, 0, 4);
    VerticalTable h = LrRun.slice(host, rows, 0, 3);
    HeteroLrParams p = HeteroLrParams.builder().maxIter(2).timeout(WAIT).build();
    InMemoryLinks net = InMemoryLinks.connect("guest", "host-1", "arbiter");
    Recording guestLink = new Recording(net.link("guest"));
    Recording hostLink = new Recording(net.link("host-1"));
    Recording arbiterLink = new Recording(net.link("arbiter"));
    CompletableFuture<HeteroLrArbiterResult> a = CompletableFuture.supplyAsync(
        () -> new HeteroLrArbiter(p, "guest", List.of("host-1"), keys).run(arbiterLink));
    CompletableFuture<HeteroLrHostModel> hf = CompletableFuture.supplyAsync(() -> new HeteroLrHost(p, h, "guest", "arbiter").run(hostLink));
    HeteroLrGuestModel gm = new HeteroLrGuest(p, g, "arbiter", List.of("host-1")).run(guestLink);
    hf.get(60, TimeUnit.SECONDS);
    a.get(60, TimeUnit.SECONDS);
    assertEquals(2, gm.iterations());
    BigInteger n = keys.publicKey().n();
    int f = p.fractionBits();
    assertEquals(40, f, "fractionBits default");

    // lr.key/0: n of exactly keyBits bits, in the clear
    PayloadReader key = new PayloadReader("key", arbiterLink.sent.get("host-1 lr.key/0"));
    assertEquals(n, key.getBigInteger("n", 1024));
    key.end();
    // lr.hello/0 host → guest: rows, features; host → arbiter: features
    PayloadReader hello = new PayloadReader("hello", hostLink.sent.get("guest lr.hello/0"));
    assertEquals(rows, hello.getInt("rows"));
    assertEquals(3, hello.getInt("features"));
    hello.end();
    PayloadReader helloA = new PayloadReader("hello", hostLink.sent.get("arbiter lr.hello/0"));
    assertEquals(3, helloA.getInt("features"));
    helloA.end();
    // lr.plan/0 guest → arbiter: rows, gradient length (features + 1), batches; guest → host: batches, withLoss (one host)
    PayloadReader planA = new PayloadReader("plan", guestLink.sent.get("arbiter lr.plan/0"));
    assertArrayEquals(new int[] {rows, 5, 1}, new int[] {planA.getInt("rows"), planA.getInt("length"), planA.getInt("batches")});
    planA.end();
    PayloadReader planH = new PayloadReader("plan", guestLink.sent.get("host-1 lr.plan/0"));
    assertArrayEquals(new int[] {1, 1}, new int[] {planH.getInt("batches"), planH.getInt("withLoss")});
    planH.end();

    // lr.residual/0.0: E(d_i) with d_i = 0.25·0 − 0.5·y_i at w = 0, y in {−1, 1}, scale 2^f
    BigInteger[] residual = ciphertexts(guestLink.sent.get("host-1 lr.residual/0.0"), rows);
    Set<BigInteger> distinct = new HashSet<>(List.of(residual));
    assertEquals(rows, distinct.size(), "equal residuals are encrypted with fresh randomness");
    for (int i = 0; i < rows; i++) {
      double y = g.labels()[i] == 1 ? 1 : -1;
      BigInteger expected = BigInteger.valueOf(Math.round(-0.5 * y * Math.pow(2, f))).mod(n);
      assertEquals(expected, keys.privateKey().decrypt(residual[i]), "residual of row " + i);
    }
    // lr.forward/0.0: E(0.25·w_h·x_h,i), 0 at w = 0
    BigInteger[] forward = ciphertexts(hostLink.sent.get("guest lr.forward/0.0"), rows);
    for (BigInteger c : forward) assertEquals(BigInteger.ZERO, keys.privateKey().decrypt(c), "0.25·w_h·x_h at w = 0");
    // lr.masked_plain/t.b is the decryption of the party's lr.masked_gradient/t.b
    for (String party : List.of("guest", "host-1")) {
      Recording link = party.equals("guest") ? guestLink : hostLink;
      int length = party.equals("guest") ? 5 : 3;
      for (String tb : List.of("0.0", "1.0")) {
        BigInteger[] masked = ciphertexts(link.sent.get("arbiter lr.masked_gradient/" + tb), length);
        BigInteger[] plain = ciphertexts(arbiterLink.sent.get(party + " lr.masked_plain/" + tb), length);
        for (int j = 0; j < length; j++) assertEquals(keys.privateKey().decrypt(masked[j]), plain[j], party + " " + tb + " " + j);
      }
    }
    // lr.loss/0.0: int batchRows, then E(m·loss) at scale 2^(2f); at w = 0 the loss is log 2
    PayloadReader loss = new PayloadReader("loss", guestLink.sent.get("arbiter lr.loss/0.0"));
    assertEquals(rows, loss.getInt("batchRows"));
    BigInteger[] lossCt = loss.getBigIntegers("loss", 1, 2048);
    loss.end();
    double lossValue = LrCrypto.signed(keys.privateKey().decrypt(lossCt[0]), n).doubleValue() / Math.pow(2, 2 * f) / rows;
    assertEquals(Math.log(2), lossValue, 1e-9);
    // lr.converged/t: int 0 or 1, to guest and host alike
    for (String party : List.of("guest", "host-1")) {
      PayloadReader c = new PayloadReader("converged", arbiterLink.sent.get(party + " lr.converged/0"));
      assertEquals(0, c.getInt("converged"));
      c.end();
    }

    // every kind sent is described; the arbiter receives only plans, hellos, masked sums and the loss
    Set<String> kinds = new HashSet<>();
    for (String party : List.of("guest", "host-1", "arbiter")) {
      for (LinkStats.Key k : net.link(party).stats().snapshot().keySet()) {
        kinds.add(k.kind());
        if (party.equals("arbiter") && !k.sent()) {
          assertTrue(List.of("lr.plan", "lr.hello", "lr.masked_gradient", "lr.loss").contains(k.kind()), k.toString());
        }
      }
    }
    assertTrue(HeteroLrProtocol.MESSAGES.keySet().containsAll(kinds), kinds.toString());
    assertEquals(Set.of("guest", "host", "arbiter"), HeteroLrProtocol.LEARNS.keySet());
  }

  @Test
  void aKeyOfAnotherSizeOrAnEvenModulusIsRefused() {
    VerticalTable h = LrRun.slice(host, 5, 0, 2);
    HeteroLrParams p = HeteroLrParams.builder().timeout(WAIT).build();
    PaillierPublicKey small = PaillierKeyPair.generate(512, RANDOM).publicKey();
    InMemoryLinks net = InMemoryLinks.connect("guest", "host-1", "arbiter");
    CompletableFuture<HeteroLrHostModel> run = CompletableFuture.supplyAsync(() -> new HeteroLrHost(p, h, "guest", "arbiter").run(net.link("host-1")));
    net.link("arbiter").send("host-1", "lr.key/0", new PayloadWriter().putBigInteger(small.n()).toByteArray());
    LinkException e = failure(run);
    assertEquals(LinkException.Reason.REFUSED, e.reason());
    assertEquals("lr.key/0 from arbiter: n must be an odd 1024-bit modulus (keyBits), got 512 bits", e.getMessage());

    InMemoryLinks net2 = InMemoryLinks.connect("guest", "host-1", "arbiter");
    CompletableFuture<HeteroLrHostModel> run2 = CompletableFuture.supplyAsync(() -> new HeteroLrHost(p, h, "guest", "arbiter").run(net2.link("host-1")));
    net2.link("arbiter").send("host-1", "lr.key/0", new PayloadWriter().putBigInteger(BigInteger.ONE.shiftLeft(1023)).toByteArray());
    assertTrue(failure(run2).getMessage().contains("n must be an odd 1024-bit modulus"));
  }

  @Test
  void theGuestRefusesAHostWithOtherRows() {
    VerticalTable g = LrRun.slice(guest, 6, 0, 2);
    HeteroLrParams p = HeteroLrParams.builder().timeout(WAIT).build();
    InMemoryLinks net = InMemoryLinks.connect("guest", "host-1", "arbiter");
    CompletableFuture<HeteroLrGuestModel> run = CompletableFuture.supplyAsync(
        () -> new HeteroLrGuest(p, g, "arbiter", List.of("host-1")).run(net.link("guest")));
    net.link("arbiter").send("guest", "lr.key/0", new PayloadWriter().putBigInteger(keys.publicKey().n()).toByteArray());
    net.link("host-1").send("guest", "lr.hello/0", new PayloadWriter().putInt(7).putInt(2).toByteArray());
    LinkException e = failure(run);
    assertEquals(LinkException.Reason.REFUSED, e.reason());
    assertEquals("lr.hello/0 from host-1: rows must be 6 (the guest's rows), got 7", e.getMessage());
  }

  @Test
  void aHostRefusesABatchThatRepeatsARow() {
    VerticalTable h = LrRun.slice(host, 5, 0, 3);
    HeteroLrParams p = HeteroLrParams.builder().timeout(WAIT).build();
    InMemoryLinks net = InMemoryLinks.connect("guest", "host-1", "arbiter");
    CompletableFuture<HeteroLrHostModel> run = CompletableFuture.supplyAsync(() -> new HeteroLrHost(p, h, "guest", "arbiter").run(net.link("host-1")));
    net.link("arbiter").send("host-1", "lr.key/0", new PayloadWriter().putBigInteger(keys.publicKey().n()).toByteArray());
    net.link("guest").send("host-1", "lr.plan/0", new PayloadWriter().putInt(1).putInt(1).toByteArray());
    net.link("guest").send("host-1", "lr.batch/0.0", new PayloadWriter().putInts(new int[] {3, 1, 3}).toByteArray());
    assertEquals("lr.batch/0.0 from guest: rows[2] repeats row 3", failure(run).getMessage());
  }

  @Test
  void aHostRefusesAResidualOfTheWrongCountOrAMaskedSumOutOfRange() throws Exception {
    VerticalTable h = LrRun.slice(host, 4, 0, 2);
    HeteroLrParams p = HeteroLrParams.builder().timeout(WAIT).build();
    PaillierPublicKey key = keys.publicKey();
    BigInteger[] two = {key.encrypt(BigInteger.ONE, RANDOM), key.encrypt(BigInteger.TWO, RANDOM)};

    InMemoryLinks net = InMemoryLinks.connect("guest", "host-1", "arbiter");
    CompletableFuture<HeteroLrHostModel> run = CompletableFuture.supplyAsync(() -> new HeteroLrHost(p, h, "guest", "arbiter").run(net.link("host-1")));
    net.link("arbiter").send("host-1", "lr.key/0", new PayloadWriter().putBigInteger(key.n()).toByteArray());
    net.link("guest").send("host-1", "lr.plan/0", new PayloadWriter().putInt(1).putInt(0).toByteArray());
    net.link("guest").send("host-1", "lr.batch/0.0", new PayloadWriter().putInts(new int[] {0, 1, 2}).toByteArray());
    net.link("guest").send("host-1", "lr.residual/0.0", new PayloadWriter().putBigIntegers(two).toByteArray());
    assertEquals("lr.residual/0.0 from guest: residual count must be 3, got 2", failure(run).getMessage());

    InMemoryLinks net2 = InMemoryLinks.connect("guest", "host-1", "arbiter");
    CompletableFuture<HeteroLrHostModel> run2 = CompletableFuture.supplyAsync(() -> new HeteroLrHost(p, h, "guest", "arbiter").run(net2.link("host-1")));
    net2.link("arbiter").send("host-1", "lr.key/0", new PayloadWriter().putBigInteger(key.n()).toByteArray());
    net2.link("guest").send("host-1", "lr.plan/0", new PayloadWriter().putInt(1).putInt(0).toByteArray());
    net2.link("guest").send("host-1", "lr.batch/0.0", new PayloadWriter().putInts(new int[] {0, 1}).toByteArray());
    net2.link("guest").send("host-1", "lr.residual/0.0", new PayloadWriter().putBigIntegers(two).toByteArray());
    net2.link("arbiter").send("host-1", "lr.masked_plain/0.0", new PayloadWriter().putBigIntegers(new BigInteger[] {BigInteger.ONE, key.n()}).toByteArray());
    assertEquals("lr.masked_plain/0.0 from arbiter: maskedSum[1] is not in [0, n)", failure(run2).getMessage());
  }

  @Test
  void theDocumentedDefaults() {
    HeteroLrParams d = HeteroLrParams.DEFAULTS;
    assertEquals(40, d.fractionBits());
    assertEquals(Duration.ofSeconds(120), d.timeout());
    assertEquals(1024, d.keyBits());
  }

  @Test
  void sumsAreExactBelowTheDocumentedBound() {
    // a sum of scale 2^(2f) is read in (−n/2, n/2]: exact while Σ|d_i|·|x_ij| < 2^(bits(n)−2−2f), as n ≥ 2^(bits(n)−1)
    BigInteger n = keys.publicKey().n();
    int f = 40;
    BigInteger bound = BigInteger.ONE.shiftLeft(n.bitLength() - 2 - 2 * f).subtract(BigInteger.ONE).shiftLeft(2 * f);
    for (BigInteger s : List.of(bound, bound.negate(), BigInteger.ZERO, BigInteger.ONE.negate())) {
      assertEquals(s, LrCrypto.signed(s.mod(n), n));
    }
    // one bit more is not safe: 2^(bits(n)−1) − 2^(2f) exceeds n/2 for any n below 2^bits(n) − 2^(2f+1)
    BigInteger oneBitMore = BigInteger.ONE.shiftLeft(n.bitLength() - 1).subtract(BigInteger.ONE.shiftLeft(2 * f));
    assertNotEquals(oneBitMore, LrCrypto.signed(oneBitMore.mod(n), n));
  }
}
