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

    // iteration 1, against the plaintext reference's weights after iteration 0 (federated = reference within 1e-6)
    HeteroLrReference.Model after0 = HeteroLrReference.fit(g, List.of(h), p.toBuilder().maxIter(1).build());
    double[] wh = after0.hostWeights().get(0);
    double[] wg = after0.guestWeights();
    BigInteger[] forward1 = ciphertexts(hostLink.sent.get("guest lr.forward/1.0"), rows);
    BigInteger[] residual1 = ciphertexts(guestLink.sent.get("host-1 lr.residual/1.0"), rows);
    double square = 0;
    for (int i = 0; i < rows; i++) {
      double hx = dot(wh, h.features()[i]);
      double wx = dot(wg, g.features()[i]) + after0.intercept() + hx;
      double y = g.labels()[i] == 1 ? 1 : -1;
      square += hx * hx;
      assertEquals(0.25 * hx, decrypt(forward1[i], f), 1e-5, "forward of row " + i);
      assertEquals(0.25 * wx - 0.5 * y, decrypt(residual1[i], f), 1e-5, "residual of row " + i);
    }
    BigInteger[] part = ciphertexts(hostLink.sent.get("guest lr.loss_part/1.0"), 2);
    assertEquals(square, decrypt(part[0], f), 1e-5, "Σ (w_h·x_h)²");
    assertEquals(0.5 * p.alpha() * dot(wh, wh), decrypt(part[1], f), 1e-7, "α/2·‖w_h‖²");

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
    // residues are read in (−n/2, n/2]
    BigInteger half = n.shiftRight(1);
    assertEquals(half, LrCrypto.signed(half, n));
    assertEquals(half.add(BigInteger.ONE).subtract(n), LrCrypto.signed(half.add(BigInteger.ONE), n));
    // one bit more is not safe: 2^(bits(n)−1) − 2^(2f) exceeds n/2 for any n below 2^bits(n) − 2^(2f+1)
    BigInteger oneBitMore = BigInteger.ONE.shiftLeft(n.bitLength() - 1).subtract(BigInteger.ONE.shiftLeft(2 * f));
    assertNotEquals(oneBitMore, LrCrypto.signed(oneBitMore.mod(n), n));
  }
  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) s += a[j] * b[j];
    return s;
  }

  private static double decrypt(BigInteger c, int f) {
    return LrCrypto.decode(LrCrypto.signed(keys.privateKey().decrypt(c), keys.publicKey().n()), f);
  }

  @Test
  void aSilentPeerEndsTheRoleAtItsDeadlineNamingTheStep() {
    VerticalTable g = LrRun.slice(guest, 6, 0, 2);
    InMemoryLinks net = InMemoryLinks.connect("guest", "host-1", "arbiter");
    HeteroLrParams p = HeteroLrParams.builder().timeout(Duration.ofMillis(200)).build();
    LinkException e = assertThrows(LinkException.class, () -> new HeteroLrGuest(p, g, "arbiter", List.of("host-1")).run(net.link("guest")));
    assertEquals(LinkException.Reason.TIMEOUT, e.reason());
    assertTrue(e.getMessage().startsWith("guest failed waiting for lr.key/0 from arbiter (TIMEOUT): "), e.getMessage());
  }

  @Test
  void theTwoPartyMessagesCarryTheDocumentedForms() throws Exception {
    int rows = 10;
    VerticalTable g = LrRun.slice(guest, rows, 0, 3);
    VerticalTable h = LrRun.slice(host, rows, 0, 2);
    HeteroLrParams p = HeteroLrParams.builder().maxIter(2).keyBits(1024).timeout(WAIT).build();
    InMemoryLinks net = InMemoryLinks.connect("guest", "host");
    Recording hostLink = new Recording(net.link("host"));
    Recording guestLink = new Recording(net.link("guest"));
    CompletableFuture<HeteroLrHostModel> hf = CompletableFuture.supplyAsync(() -> new HeteroLrTwoPartyHost(p, h, "guest").run(hostLink));
    new HeteroLrTwoPartyGuest(p, g, "host").run(guestLink);
    hf.get(60, TimeUnit.SECONDS);
    PayloadReader key = new PayloadReader("key", guestLink.sent.get("host lr2.key/0"));
    assertEquals(1024, key.getBigInteger("n", 1024).bitLength());
    key.end();
    PayloadReader hello = new PayloadReader("hello", hostLink.sent.get("guest lr2.hello/0"));
    assertArrayEquals(new int[] {rows, 2}, new int[] {hello.getInt("rows"), hello.getInt("features")});
    hello.end();
    // lr2.forward/1.0: the host's 0.25·w_h·x_h per row and α/2·‖w_h‖², in the clear
    double[] wh = HeteroLrReference.fit(g, List.of(h), p.toBuilder().maxIter(1).build()).hostWeights().get(0);
    PayloadReader forward = new PayloadReader("forward", hostLink.sent.get("guest lr2.forward/1.0"));
    double[] scores = forward.getDoubles("forward", rows);
    double regular = forward.getDouble("regular");
    forward.end();
    for (int i = 0; i < rows; i++) assertEquals(0.25 * dot(wh, h.features()[i]), scores[i], 1e-6, "row " + i);
    assertEquals(0.5 * p.alpha() * dot(wh, wh), regular, 1e-8);
    Set<String> kinds = new HashSet<>();
    for (String party : List.of("guest", "host")) net.link(party).stats().snapshot().keySet().forEach(k -> kinds.add(k.kind()));
    assertTrue(HeteroLrProtocol.TWO_PARTY_MESSAGES.keySet().containsAll(kinds), kinds.toString());
    assertEquals(Set.of("guest", "host"), HeteroLrProtocol.TWO_PARTY_LEARNS.keySet());
  }
  @Test
  void masksAreSpreadUniformlyOverZn() {
    // 400 masks in four quarters of Z_n: 100 expected in each (sd 8.7); a mask confined to fewer bits, or biased, fails
    BigInteger n = keys.publicKey().n();
    int[] quarters = new int[4];
    Set<BigInteger> seen = new HashSet<>();
    for (int i = 0; i < 400; i++) {
      BigInteger r = LrCrypto.mask(keys.publicKey(), RANDOM);
      assertTrue(r.signum() >= 0 && r.compareTo(n) < 0, "mask outside [0, n)");
      assertTrue(seen.add(r), "a repeated mask");
      quarters[r.shiftLeft(2).divide(n).intValueExact()]++;
    }
    for (int q = 0; q < 4; q++) assertTrue(quarters[q] >= 50 && quarters[q] <= 150, java.util.Arrays.toString(quarters));
  }
}
