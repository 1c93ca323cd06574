package io.lianbang.vertical.lr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Several hosts, mini-batches, early stop, hostile peers and a crash, on small slices of the breast data. */
class HeteroLrProtocolTest {
  private static final SecureRandom RANDOM = new SecureRandom();
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

  @Test
  void twoHostsSplittingTheHostColumnsEqualTheReference() throws Exception {
    VerticalTable g = LrRun.slice(guest, 60, 0, 10);
    List<VerticalTable> hosts = List.of(LrRun.slice(host, 60, 0, 12), LrRun.slice(host, 60, 12, 20));
    HeteroLrParams p = HeteroLrParams.builder().maxIter(2).earlyStop(HeteroLrParams.EarlyStop.WEIGHT_DIFF).tol(1e-9).build();
    LrRun.Outcome run = LrRun.train(g, hosts, p, keys);
    HeteroLrReference.Model ref = HeteroLrReference.fit(g, hosts, p);
    assertArrayEquals(ref.guestWeights(), run.guest().weights(), 1e-6);
    assertEquals(ref.intercept(), run.guest().intercept(), 1e-6);
    for (int k = 0; k < 2; k++) assertArrayEquals(ref.hostWeights().get(k), run.hosts().get(k).weights(), 1e-6);
    assertEquals(12, run.hosts().get(0).weights().length);
    assertEquals(8, run.hosts().get(1).weights().length);
    assertEquals(List.of(), run.arbiter().lossHistory(), "no loss with two hosts, as in FATE");
    assertEquals(2, run.arbiter().iterations());
    // the arbiter never receives a residual or a forward, only masked sums
    for (LinkStats.Key k : run.net().link("arbiter").stats().snapshot().keySet()) {
      assertTrue(k.sent() || List.of("lr.plan", "lr.hello", "lr.masked_gradient", "lr.delta_norm").contains(k.kind()), k.toString());
    }
  }

  @Test
  void miniBatchesWithEarlyStopEqualTheReference() throws Exception {
    VerticalTable g = LrRun.slice(guest, 80, 0, 10);
    VerticalTable h = LrRun.slice(host, 80, 0, 20);
    HeteroLrParams base = HeteroLrParams.builder().batchSize(32).seed(11).maxIter(8).tol(1e-12).build();
    List<Double> losses = HeteroLrReference.fit(g, List.of(h), base).lossHistory();
    // a tolerance that stops at iteration 2 (0-based): |loss1 - loss2| < tol <= |loss0 - loss1|
    double d1 = Math.abs(losses.get(0) - losses.get(1));
    double d2 = Math.abs(losses.get(1) - losses.get(2));
    assertTrue(d2 * 1.5 < d1, "precondition: losses " + losses);
    HeteroLrParams p = base.toBuilder().tol(d2 * 1.5).build();
    HeteroLrReference.Model ref = HeteroLrReference.fit(g, List.of(h), p);
    assertEquals(3, ref.iterations());
    assertTrue(ref.converged());

    LrRun.Outcome run = LrRun.train(g, List.of(h), p, keys);
    assertEquals(3, run.arbiter().iterations());
    assertTrue(run.arbiter().converged() && run.guest().converged() && run.hosts().get(0).converged());
    assertArrayEquals(ref.guestWeights(), run.guest().weights(), 1e-6);
    assertEquals(ref.intercept(), run.guest().intercept(), 1e-6);
    assertArrayEquals(ref.hostWeights().get(0), run.hosts().get(0).weights(), 1e-6);
    for (int t = 0; t < 3; t++) assertEquals(ref.lossHistory().get(t), run.arbiter().lossHistory().get(t), 1e-9);
    // 3 batches (32, 32, 16) per iteration: the host saw 9 batch messages
    LinkStats.Count batches = run.net().link("host-1").stats().snapshot().get(new LinkStats.Key(false, "guest", "lr.batch"));
    assertEquals(9, batches.messages());
  }

  @Test
  void theArbiterRefusesAHostGradientOfTheWrongLength() throws Exception {
    InMemoryLinks net = InMemoryLinks.connect("guest", "host-1", "arbiter");
    HeteroLrParams p = HeteroLrParams.builder().timeout(Duration.ofSeconds(20)).build();
    CompletableFuture<HeteroLrArbiterResult> arbiter = CompletableFuture.supplyAsync(
        () -> new HeteroLrArbiter(p, "guest", List.of("host-1"), keys).run(net.link("arbiter")));
    PartyLink h = net.link("host-1");
    PaillierPublicKey key = readKey(h);
    net.link("guest").send("arbiter", "lr.plan/0", new PayloadWriter().putInt(10).putInt(3).putInt(1).toByteArray());
    h.send("arbiter", "lr.hello/0", new PayloadWriter().putInt(3).toByteArray());
    BigInteger[] two = {key.encrypt(BigInteger.ONE, RANDOM), key.encrypt(BigInteger.TWO, RANDOM)};
    h.send("arbiter", "lr.masked_gradient/0.0", new PayloadWriter().putBigIntegers(two).toByteArray());
    LinkException e = failure(arbiter);
    assertEquals(LinkException.Reason.REFUSED, e.reason());
    assertEquals("lr.masked_gradient/0.0 from host-1: maskedGradient count must be 3 (the party's gradient length), got 2", e.getMessage());
  }

  @Test
  void theArbiterRefusesCiphertextsOutOfRange() throws Exception {
    InMemoryLinks net = InMemoryLinks.connect("guest", "host-1", "arbiter");
    HeteroLrParams p = HeteroLrParams.builder().timeout(Duration.ofSeconds(20)).build();
    CompletableFuture<HeteroLrArbiterResult> arbiter = CompletableFuture.supplyAsync(
        () -> new HeteroLrArbiter(p, "guest", List.of("host-1"), keys).run(net.link("arbiter")));
    PartyLink h = net.link("host-1");
    PaillierPublicKey key = readKey(h);
    net.link("guest").send("arbiter", "lr.plan/0", new PayloadWriter().putInt(10).putInt(2).putInt(1).toByteArray());
    h.send("arbiter", "lr.hello/0", new PayloadWriter().putInt(2).toByteArray());
    BigInteger[] bad = {key.encrypt(BigInteger.ONE, RANDOM), key.nSquared().add(BigInteger.ONE)};
    h.send("arbiter", "lr.masked_gradient/0.0", new PayloadWriter().putBigIntegers(bad).toByteArray());
    LinkException e = failure(arbiter);
    assertEquals(LinkException.Reason.REFUSED, e.reason());
    assertEquals("lr.masked_gradient/0.0 from host-1: maskedGradient[1] is not a ciphertext: outside (0, n²)", e.getMessage());

    // a multiple of a factor of n is refused too
    InMemoryLinks net2 = InMemoryLinks.connect("guest", "host-1", "arbiter");
    CompletableFuture<HeteroLrArbiterResult> arbiter2 = CompletableFuture.supplyAsync(
        () -> new HeteroLrArbiter(p, "guest", List.of("host-1"), keys).run(net2.link("arbiter")));
    readKey(net2.link("host-1"));
    net2.link("guest").send("arbiter", "lr.plan/0", new PayloadWriter().putInt(10).putInt(1).putInt(1).toByteArray());
    net2.link("host-1").send("arbiter", "lr.hello/0", new PayloadWriter().putInt(1).toByteArray());
    net2.link("host-1").send("arbiter", "lr.masked_gradient/0.0", new PayloadWriter().putBigIntegers(new BigInteger[] {key.n()}).toByteArray());
    assertEquals("lr.masked_gradient/0.0 from host-1: maskedGradient[0] is not a ciphertext: shares a factor with n", failure(arbiter2).getMessage());
  }

  @Test
  void aHostRefusesBatchRowsOutOfRange() throws Exception {
    InMemoryLinks net = InMemoryLinks.connect("guest", "host-1", "arbiter");
    HeteroLrParams p = HeteroLrParams.builder().timeout(Duration.ofSeconds(20)).build();
    VerticalTable h = LrRun.slice(host, 5, 0, 3);
    CompletableFuture<HeteroLrHostModel> run = CompletableFuture.supplyAsync(
        () -> new HeteroLrHost(p, h, "guest", "arbiter").run(net.link("host-1")));
    net.link("arbiter").send("host-1", "lr.key/0", new PayloadWriter().putBigInteger(keys.publicKey().n()).toByteArray());
    net.link("guest").send("host-1", "lr.plan/0", new PayloadWriter().putInt(1).putInt(1).toByteArray());
    net.link("guest").send("host-1", "lr.batch/0.0", new PayloadWriter().putInts(new int[] {0, 5}).toByteArray());
    assertEquals("lr.batch/0.0 from guest: rows[1] must be in [0, 5), got 5", failure(run).getMessage());
  }

  @Test
  void aKilledHostFailsTheGuestAndTheArbiterNamingItAndTheStep() throws Exception {
    VerticalTable g = LrRun.slice(guest, 30, 0, 10);
    VerticalTable h = LrRun.slice(host, 30, 0, 20);
    HeteroLrParams p = HeteroLrParams.builder().maxIter(3).timeout(Duration.ofSeconds(30)).build();
    InMemoryLinks net = InMemoryLinks.connect("guest", "host-1", "arbiter");
    // the host crashes when it is about to send its forward of iteration 1
    PartyLink crashing = new PartyLink() {
      private final PartyLink inner = net.link("host-1");

      @Override
      public String self() {
        return inner.self();
      }

      @Override
      public void send(String to, String tag, byte[] payload) {
        if (tag.equals("lr.forward/1.0")) {
          net.kill("host-1");
          throw new LinkException(LinkException.Reason.CLOSED, "crashed");
        }
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
    };
    CompletableFuture<HeteroLrArbiterResult> a = CompletableFuture.supplyAsync(
        () -> new HeteroLrArbiter(p, "guest", List.of("host-1"), keys).run(net.link("arbiter")));
    CompletableFuture<HeteroLrHostModel> hf = CompletableFuture.supplyAsync(() -> new HeteroLrHost(p, h, "guest", "arbiter").run(crashing));
    CompletableFuture<HeteroLrGuestModel> gf = CompletableFuture.supplyAsync(
        () -> new HeteroLrGuest(p, g, "arbiter", List.of("host-1")).run(net.link("guest")));
    long start = System.nanoTime();
    LinkException ge = failure(gf);
    LinkException ae = failure(a);
    failure(hf);
    assertEquals(LinkException.Reason.PEER_LOST, ge.reason());
    assertTrue(ge.getMessage().startsWith("guest failed waiting for lr.forward/1.0 from host-1 (PEER_LOST)"), ge.getMessage());
    assertEquals(LinkException.Reason.PEER_LOST, ae.reason());
    assertTrue(ae.getMessage().startsWith("arbiter failed waiting for lr.masked_gradient/1.0 from host-1 (PEER_LOST)"), ae.getMessage());
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos(), "failed before the 30 s deadline");
  }

  private static PaillierPublicKey readKey(PartyLink link) {
    PayloadReader r = new PayloadReader("key", link.receive("arbiter", "lr.key/0", Duration.ofSeconds(20)));
    PaillierPublicKey key = new PaillierPublicKey(r.getBigInteger("n", 1024));
    r.end();
    return key;
  }

  private static LinkException failure(CompletableFuture<?> f) throws Exception {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(60, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof LinkException, String.valueOf(e.getCause()));
    return (LinkException) e.getCause();
  }
}
