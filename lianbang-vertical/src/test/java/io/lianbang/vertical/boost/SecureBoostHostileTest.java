package io.lianbang.vertical.boost;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.privacy.paillier.PaillierKeyPair;
import io.lianbang.vertical.data.TestData;
import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.link.InMemoryLinks;
import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.link.PayloadWriter;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Malformed messages are refused naming the field; lost and silent peers give clear errors within the deadline. */
class SecureBoostHostileTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static PaillierKeyPair keys;
  private static ExecutorService pool;
  private static VerticalTable guest;
  private static VerticalTable host;

  @BeforeAll
  static void setUp() {
    keys = PaillierKeyPair.generate(1024, new SecureRandom());
    pool = Executors.newCachedThreadPool();
    int[] first = IntStream.range(0, 40).toArray();
    guest = BoostFixtures.rows(TestData.breastGuest(), first);
    host = BoostFixtures.columns(BoostFixtures.rows(TestData.breastHost(), first), 0, 3);
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  private static BoostParams params(int trees, Duration timeout) {
    return BoostParams.builder().trees(trees).maxDepth(3).receiveTimeout(timeout).build();
  }

  @Test
  void guestRefusesAHistogramOfTheWrongSize() throws Exception {
    InMemoryLinks links = InMemoryLinks.connect("guest", "host-1");
    PartyLink h = links.link("host-1");
    Future<?> fake = pool.submit(() -> {
      h.receive("guest", SecureBoostProtocol.SETUP, WAIT);
      h.send("guest", SecureBoostProtocol.BINS, new PayloadWriter().putInts(new int[] {4, 4, 4}).toByteArray());
      h.receive("guest", SecureBoostProtocol.GH + "/0", WAIT);
      h.receive("guest", SecureBoostProtocol.NODES + "/0.0", WAIT);
      // 3 candidate bins fit one ciphertext per feature; this host sends two for feature 0.
      h.send("guest", SecureBoostProtocol.HIST + "/0.0", new PayloadWriter().putInt(1).putInt(0)
          .putBigIntegers(new BigInteger[] {BigInteger.TWO, BigInteger.TWO}).toByteArray());
      return null;
    });
    SecureBoostGuest g = new SecureBoostGuest(links.link("guest"), List.of("host-1"), guest, params(1, WAIT), keys);
    SecureBoostException e = assertThrows(SecureBoostException.class, g::run);
    assertTrue(e.getMessage().contains("sb.hist/0.0 from host-1") && e.getMessage().contains("histogram of node 0 feature 0 count must be in [0, 1], got 2"),
        e.getMessage());
    fake.get(10, TimeUnit.SECONDS);
  }

  @Test
  void guestRefusesABinCountAboveMaxBins() throws Exception {
    InMemoryLinks links = InMemoryLinks.connect("guest", "host-1");
    PartyLink h = links.link("host-1");
    Future<?> fake = pool.submit(() -> {
      h.receive("guest", SecureBoostProtocol.SETUP, WAIT);
      h.send("guest", SecureBoostProtocol.BINS, new PayloadWriter().putInts(new int[] {4, 33}).toByteArray());
      return null;
    });
    SecureBoostGuest g = new SecureBoostGuest(links.link("guest"), List.of("host-1"), guest, params(1, WAIT), keys);
    SecureBoostException e = assertThrows(SecureBoostException.class, g::run);
    assertTrue(e.getMessage().contains("bins[1] must be in [1, 32], got 33"), e.getMessage());
    fake.get(10, TimeUnit.SECONDS);
  }

  @Test
  void hostRefusesASplitOnAnUnknownBinAndAWrongRowCount() throws Exception {
    InMemoryLinks links = InMemoryLinks.connect("guest", "host-1");
    PartyLink g = links.link("guest");
    Future<HostLookupTable> real = pool.submit(new SecureBoostHost(links.link("host-1"), "guest", host, params(1, WAIT))::run);
    GhPacking packing = new GhPacking(keys.publicKey(), 40, 1);
    g.send("host-1", SecureBoostProtocol.SETUP, new PayloadWriter().putBigInteger(keys.publicKey().n()).putInt(40).putInt(1).putInt(3).putInt(1).toByteArray());
    g.receive("host-1", SecureBoostProtocol.BINS, WAIT);
    g.send("host-1", SecureBoostProtocol.GH + "/0", new PayloadWriter().putBigIntegers(packing.encryptRows(new long[40], new long[40], new SecureRandom())).toByteArray());
    g.send("host-1", SecureBoostProtocol.NODES + "/0.0", new PayloadWriter().putInt(1).putInt(0).putInts(IntStream.range(0, 40).toArray()).toByteArray());
    g.receive("host-1", SecureBoostProtocol.HIST + "/0.0", WAIT);
    g.send("host-1", SecureBoostProtocol.SPLIT + "/0.0", new PayloadWriter().putInt(1).putInt(0).putInt(0).putInt(99).toByteArray());
    Exception e = assertThrows(Exception.class, () -> real.get(30, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof SecureBoostException && e.getCause().getMessage().contains("sb.split/0.0 from guest")
        && e.getCause().getMessage().contains("bin of feature 0 must be in [0, "), e.getCause().getMessage());

    InMemoryLinks links2 = InMemoryLinks.connect("guest", "host-1");
    Future<HostLookupTable> real2 = pool.submit(new SecureBoostHost(links2.link("host-1"), "guest", host, params(1, WAIT))::run);
    links2.link("guest").send("host-1", SecureBoostProtocol.SETUP,
        new PayloadWriter().putBigInteger(keys.publicKey().n()).putInt(41).putInt(1).putInt(3).putInt(1).toByteArray());
    Exception e2 = assertThrows(Exception.class, () -> real2.get(30, TimeUnit.SECONDS));
    assertTrue(e2.getCause().getMessage().contains("rows must be this host's 40, got 41"), e2.getCause().getMessage());
  }

  /** A host link that flips one row of every non-empty split assignment it sends. */
  private static PartyLink tampering(PartyLink inner) {
    return new PartyLink() {
      @Override
      public String self() {
        return inner.self();
      }

      @Override
      public void send(String to, String tag, byte[] payload) {
        if (tag.startsWith(SecureBoostProtocol.ASSIGN) && payload.length > 4) {
          payload = payload.clone();
          payload[payload.length - 1] ^= 1;
        }
        inner.send(to, tag, payload);
      }

      @Override
      public byte[] receive(String from, String tag, Duration timeout) {
        return inner.receive(from, tag, timeout);
      }

      @Override
      public io.lianbang.vertical.link.LinkStats stats() {
        return inner.stats();
      }

      @Override
      public void close() {
        inner.close();
      }
    };
  }

  @Test
  void guestRefusesLeftRowsThatDisagreeWithTheHistogram() {
    int[] rows = IntStream.range(0, 120).toArray();
    VerticalTable g = BoostFixtures.rows(TestData.breastGuest(), rows);
    VerticalTable h = BoostFixtures.rows(TestData.breastHost(), rows);
    InMemoryLinks links = InMemoryLinks.connect("guest", "host-1");
    BoostParams p = params(3, WAIT);
    pool.submit(new SecureBoostHost(tampering(links.link("host-1")), "guest", h, p)::run);
    SecureBoostGuest guestRole = new SecureBoostGuest(links.link("guest"), List.of("host-1"), g, p, keys);
    SecureBoostException e = assertThrows(SecureBoostException.class, guestRole::run);
    assertTrue(e.getMessage().contains("from host-1") && e.getMessage().contains("disagrees with the histogram"), e.getMessage());
    links.kill("host-1");
  }

  @Test
  void predictionHostRefusesAnUnknownRecord() throws Exception {
    InMemoryLinks links = InMemoryLinks.connect("guest", "host-1");
    HostLookupTable lookup = new HostLookupTable("host-1", List.of(new HostLookupTable.Entry(0, "x0", 3, 12.5)));
    Future<Integer> real = pool.submit(new SecureBoostPredictHost(links.link("host-1"), "guest", lookup, host, "p1", WAIT)::run);
    links.link("guest").send("host-1", SecureBoostProtocol.ROUTE + "/p1.0", new PayloadWriter().putInt(1).putInt(1).putInt(7).putInts(new int[] {0}).toByteArray());
    Exception e = assertThrows(Exception.class, () -> real.get(30, TimeUnit.SECONDS));
    assertTrue(e.getCause().getMessage().contains("record 7 is not in host-1's lookup table of 1 records"), e.getCause().getMessage());
  }

  @Test
  void aKilledHostFailsTheGuestWithinTheDeadline() {
    InMemoryLinks links = InMemoryLinks.connect("guest", "host-1");
    BoostParams p = params(200, Duration.ofSeconds(30));
    pool.submit(new SecureBoostHost(links.link("host-1"), "guest", host, p)::run);
    pool.submit(() -> {
      Thread.sleep(1500);
      links.kill("host-1");
      return null;
    });
    SecureBoostGuest g = new SecureBoostGuest(links.link("guest"), List.of("host-1"), guest, p, keys);
    SecureBoostException e = assertTimeoutPreemptively(Duration.ofSeconds(25), () -> assertThrows(SecureBoostException.class, g::run));
    assertTrue(e.getMessage().contains("host-1") && (e.getMessage().contains("lost host-1") || e.getMessage().contains("could not send")), e.getMessage());
  }

  @Test
  void aSilentHostTimesOutNamingTheStep() {
    InMemoryLinks links = InMemoryLinks.connect("guest", "host-1");
    SecureBoostGuest g = new SecureBoostGuest(links.link("guest"), List.of("host-1"), guest, params(1, Duration.ofMillis(300)), keys);
    SecureBoostException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(SecureBoostException.class, g::run));
    assertTrue(e.getMessage().contains("no answer from host-1 within 300 ms at step sb.bins"), e.getMessage());
  }

  @Test
  void badParametersAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> BoostParams.builder().learningRate(0).build()).getMessage().contains("learningRate"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> BoostParams.builder().trees(0).build()).getMessage().contains("trees must be in [1, 1000], got 0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> BoostParams.builder().maxBins(1).build()).getMessage().contains("maxBins"));
    VerticalTable noLabels = host;
    InMemoryLinks links = InMemoryLinks.connect("guest", "host-1");
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> new SecureBoostGuest(links.link("guest"), List.of("host-1"), noLabels, BoostParams.DEFAULTS, keys)).getMessage().contains("labels"));
  }
}
