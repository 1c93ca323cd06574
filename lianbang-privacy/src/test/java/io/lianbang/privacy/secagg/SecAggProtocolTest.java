package io.lianbang.privacy.secagg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.privacy.secagg.SecAggMessage.MaskedInput;
import io.lianbang.privacy.secagg.SecAggMessage.ShareDelivery;
import io.lianbang.privacy.secagg.SecAggMessage.UnmaskShares;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The SecAgg+ protocol among in-process participants, with a transport that can lose clients at
 * a given stage and alter messages in transit.
 */
class SecAggProtocolTest {
  private static final int D = 1000;
  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  /** Clients with random updates in [-0.05, 0.05] and 100..999 examples each. */
  private record Federation(List<String> ids, Map<String, SecAggParticipant> participants,
                            Map<String, float[]> updates, Map<String, Long> examples) {}

  private static Federation clients(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<String> ids = new ArrayList<>();
    Map<String, SecAggParticipant> participants = new HashMap<>();
    Map<String, float[]> updates = new HashMap<>();
    Map<String, Long> examples = new HashMap<>();
    for (int i = 0; i < n; i++) {
      String id = String.format("client-%03d", i);
      float[] u = new float[D];
      for (int j = 0; j < D; j++) u[j] = (float) (rng.nextDouble() * 0.1 - 0.05);
      long ex = 100 + rng.nextInt(900);
      SecAggParticipant p = new SecAggParticipant();
      p.setInput(1, u, ex, seed + i);
      ids.add(id);
      participants.put(id, p);
      updates.put(id, u);
      examples.put(id, ex);
    }
    return new Federation(ids, participants, updates, examples);
  }

  /** A transport that drops or rewrites messages per client and stage, like a faulty network. */
  private final class FaultyTransport implements SecAggTransport {
    final InProcessSecAggTransport inner;
    final Set<String> dropAtMaskedInput;
    BiFunction<String, SecAggMessage, SecAggMessage> rewriteRequest = (id, m) -> m;
    BiFunction<String, SecAggMessage, SecAggMessage> rewriteResponse = (id, m) -> m;
    final Map<String, MaskedInput> seen = new ConcurrentHashMap<>();

    FaultyTransport(Federation f, Set<String> dropAtMaskedInput) {
      this.inner = new InProcessSecAggTransport(f.participants(), pool);
      this.dropAtMaskedInput = dropAtMaskedInput;
    }

    @Override
    public CompletableFuture<SecAggMessage> send(String id, SecAggMessage request, Instant deadline) {
      if (request instanceof ShareDelivery && dropAtMaskedInput.contains(id)) {
        return CompletableFuture.failedFuture(new java.io.IOException("connection reset"));
      }
      return inner.send(id, rewriteRequest.apply(id, request), deadline).thenApply(r -> {
        if (r instanceof MaskedInput m) seen.put(id, m);
        return rewriteResponse.apply(id, r);
      });
    }
  }

  private static SecAggServer server(SecAggTransport t, SecAggParams p) {
    return new SecAggServer(p, t, Duration.ofSeconds(60));
  }

  /** Σ r_u Δ_u / Σ r_u over {@code survivors}, in double precision. */
  private static double[] plainMean(Federation f, List<String> survivors, double maxWeight) {
    double[] s = new double[D];
    double w = 0;
    for (String id : survivors) {
      double r = Math.min(1, f.examples().get(id) / maxWeight);
      float[] u = f.updates().get(id);
      for (int j = 0; j < D; j++) s[j] += r * u[j];
      w += r;
    }
    for (int j = 0; j < D; j++) s[j] /= w;
    return s;
  }

  /**
   * The quantisation error bound of the weighted mean: with m inputs, the numerator is off by
   * less than m·Δ and the denominator by less than m·Δ_w (Δ_w = step of the weight coordinate),
   * so |mean' − mean| ≤ (m·Δ + |mean|·m·Δ_w) / (W − m·Δ_w).
   */
  private static double bound(SecAggResult r, int n, double meanAbs) {
    int m = r.survivors().size();
    double stepW = new Quantizer(0, 1, 32, n).step();
    return (m * r.step() + meanAbs * m * stepW) / (r.totalWeight() - m * stepW);
  }

  private static double maxError(double[] a, double[] b) {
    double e = 0;
    for (int j = 0; j < a.length; j++) e = Math.max(e, Math.abs(a[j] - b[j]));
    return e;
  }

  @Test
  void hundredClientsWithThirtyPercentDroppingAfterKeySharingMatchPlainFedAvg() throws Exception {
    Federation f = clients(100, 11);
    Set<String> drop = new java.util.HashSet<>();
    SplittableRandom rng = new SplittableRandom(5);
    while (drop.size() < 30) drop.add(f.ids().get(rng.nextInt(100)));
    FaultyTransport t = new FaultyTransport(f, drop);
    SecAggParams params = SecAggParams.defaults();
    SecAggResult r = server(t, params).aggregate(1, f.ids(), D, 99);

    assertEquals(14, r.degree());
    assertEquals(8, r.threshold());
    assertEquals(70, r.survivors().size());
    assertEquals(drop, r.dropped().keySet());
    double[] expected = plainMean(f, r.survivors(), params.maxWeight());
    double[] got = r.mean();
    double meanAbs = 0;
    for (double v : expected) meanAbs = Math.max(meanAbs, Math.abs(v));
    double bound = bound(r, 100, meanAbs);
    double err = maxError(expected, got);
    assertTrue(err <= bound, "max error " + err + " exceeds the bound " + bound);
    assertTrue(bound < 1e-6, "bound " + bound);
    System.out.printf("100 clients, k=%d, t=%d, 30 dropped: max |error| %.3g, bound %.3g%n", r.degree(), r.threshold(), err, bound);
    // A survivor uploaded at least its masked vector (32 bits per entry).
    assertTrue(r.traffic().get(r.survivors().get(0)).up() > 4L * D);
  }

  @Test
  void classicSecAggWithTheCompleteGraph() throws Exception {
    Federation f = clients(12, 3);
    FaultyTransport t = new FaultyTransport(f, Set.of("client-004", "client-007"));
    SecAggParams params = new SecAggParams(100, 0, 1.0, 32, 10_000);
    SecAggResult r = server(t, params).aggregate(1, f.ids(), D, 1);
    assertEquals(11, r.degree());
    assertEquals(10, r.survivors().size());
    double[] expected = plainMean(f, r.survivors(), 10_000);
    assertTrue(maxError(expected, r.mean()) <= bound(r, 12, 0.05));
  }

  @Test
  void aMaskedVectorIsIndistinguishableFromUniform() throws Exception {
    // Every client's input is all zeros: without masks each quantised entry would be the same
    // mid-range level, so the histogram would be a single spike.
    Federation f = clients(20, 21);
    for (String id : f.ids()) f.participants().get(id).setInput(1, new float[D], 500, 1);
    FaultyTransport t = new FaultyTransport(f, Set.of());
    server(t, SecAggParams.defaults()).aggregate(1, f.ids(), D, 2);
    // All 20 masked vectors pooled (20,020 values): with the keys from SecureRandom the statistic
    // varies from run to run, so the bound must make a false alarm negligible, not 1 in 1,000.
    long[] masked = f.ids().stream().flatMapToLong(id -> Arrays.stream(t.seen.get(id).masked())).toArray();
    assertEquals(20L * (D + 1), masked.length);
    double chi = chiSquareTopBits(masked, 4, 32);
    // 15 degrees of freedom: P(chi² > 65) = 3.4e-8.
    assertTrue(chi < 65, "chi-square " + chi + " rejects uniformity");

    Quantizer q = new Quantizer(-1, 1, 32, 20);
    long[] unmasked = new long[D + 1];
    for (int j = 0; j < unmasked.length; j++) unmasked[j] = q.encode(0, new SplittableRandom(j));
    assertTrue(chiSquareTopBits(unmasked, 4, 32) > 1000, "the statistic must reject a non-uniform vector");
  }

  private static double chiSquareTopBits(long[] v, int bits, int modulusBits) {
    int buckets = 1 << bits;
    long[] counts = new long[buckets];
    for (long x : v) counts[(int) (x >>> (modulusBits - bits))]++;
    double expected = (double) v.length / buckets;
    double chi = 0;
    for (long c : counts) chi += (c - expected) * (c - expected) / expected;
    return chi;
  }

  @Test
  void aTamperedShareFailsAuthenticationAndItsRecipientIsExcluded() throws Exception {
    Federation f = clients(30, 31);
    FaultyTransport t = new FaultyTransport(f, Set.of());
    t.rewriteRequest = (id, m) -> {
      if (!(m instanceof ShareDelivery d) || !id.equals("client-010")) return m;
      Map<Integer, byte[]> c = new TreeMap<>(d.ciphertexts());
      int from = c.keySet().iterator().next();
      byte[] altered = c.get(from).clone();
      altered[20] ^= 1;
      c.put(from, altered);
      return new ShareDelivery(d.round(), c);
    };
    SecAggResult r = server(t, SecAggParams.defaults()).aggregate(1, f.ids(), D, 4);
    assertTrue(r.dropped().containsKey("client-010"));
    assertTrue(r.dropped().get("client-010").contains("AES-GCM authentication"), r.dropped().toString());
    assertFalse(r.events().isEmpty());
    assertEquals(29, r.survivors().size());
    assertTrue(maxError(plainMean(f, r.survivors(), 10_000), r.mean()) <= bound(r, 30, 0.05));
  }

  @Test
  void authenticationFailuresAreReportedByTheirKindNotByTheirMessage() throws Exception {
    Federation f = clients(30, 51);
    FaultyTransport inner = new FaultyTransport(f, Set.of());
    SecAggTransport t = (id, m, deadline) -> {
      if (m instanceof ShareDelivery && id.equals("client-004")) {
        return CompletableFuture.failedFuture(new SecAggException(SecAggException.Kind.AUTHENTICATION, "share from client 7: tampered"));
      }
      if (m instanceof ShareDelivery && id.equals("client-005")) {
        return CompletableFuture.failedFuture(new SecAggException(SecAggException.Kind.PROTOCOL, "not an authentication failure"));
      }
      return inner.send(id, m, deadline);
    };
    SecAggResult r = server(t, SecAggParams.defaults()).aggregate(1, f.ids(), D, 4);
    assertEquals(List.of("masked input: share from client 7: tampered"), r.events());
    assertEquals("masked input: not an authentication failure", r.dropped().get("client-005"));
    assertEquals(28, r.survivors().size());
  }

  @Test
  void aWrongUnmaskingShareIsDetectedAndExcluded() throws Exception {
    Federation f = clients(30, 41);
    FaultyTransport t = new FaultyTransport(f, Set.of());
    t.rewriteResponse = (id, m) -> {
      if (!(m instanceof UnmaskShares u) || !id.equals("client-003")) return m;
      Map<Integer, BigInteger> seeds = new TreeMap<>(u.seedShares());
      int victim = seeds.keySet().stream().filter(v -> v != 3).findFirst().orElseThrow();
      seeds.put(victim, seeds.get(victim).add(BigInteger.TEN).mod(Shamir.P));
      return new UnmaskShares(u.round(), u.from(), seeds, u.keyShares());
    };
    SecAggResult r = server(t, SecAggParams.defaults()).aggregate(1, f.ids(), D, 5);
    assertEquals(30, r.survivors().size());
    assertTrue(r.events().stream().anyMatch(e -> e.contains("inconsistent share") && e.contains("client-003")), r.events().toString());
    assertTrue(maxError(plainMean(f, r.survivors(), 10_000), r.mean()) <= bound(r, 30, 0.05));
  }

  @Test
  void tooManyWrongSharesFailTheRoundInsteadOfReleasingAWrongSum() {
    Federation f = clients(12, 51);
    FaultyTransport t = new FaultyTransport(f, Set.of());
    t.rewriteResponse = (id, m) -> {
      if (!(m instanceof UnmaskShares u)) return m;
      Map<Integer, BigInteger> seeds = new TreeMap<>();
      // Offsets that lie on no low-degree polynomial of the holder index.
      u.seedShares().forEach((v, y) -> seeds.put(v, y.add(BigInteger.valueOf((u.from() * u.from() * 31L + 7) % 97 + 1)).mod(Shamir.P)));
      return new UnmaskShares(u.round(), u.from(), seeds, u.keyShares());
    };
    SecAggException e = assertThrows(SecAggException.class, () -> server(t, SecAggParams.defaults()).aggregate(1, f.ids(), D, 6));
    assertTrue(e.getMessage().contains("cannot reconstruct"), e.getMessage());
  }

  @Test
  void aClientNeverRevealsBothSecretsOfANeighbour() {
    Federation f = clients(5, 61);
    FaultyTransport t = new FaultyTransport(f, Set.of());
    List<SecAggMessage> replies = Collections.synchronizedList(new ArrayList<>()); // filled from transport threads
    t.rewriteResponse = (id, m) -> {
      if (m instanceof UnmaskShares) {
        // A second unmask request to the same client is refused.
        assertThrows(SecAggException.class, () -> f.participants().get(id).respond(
            new SecAggMessage.UnmaskRequest(1, List.of(), List.of(0, 1, 2, 3, 4))));
        replies.add(m);
      }
      return m;
    };
    try {
      server(t, SecAggParams.defaults()).aggregate(1, f.ids(), D, 7);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    assertEquals(5, replies.size());
  }

  /** Issue 9, point 10: three clients, threshold 1, two dropping, published one client's exact update as the "sum". */
  @Test
  void thresholdOneIsRefusedAndTwoOfThreeDroppingReleasesNoSum() {
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> new SecAggParams(2, 1, 1.0, 32, 10_000));
    assertEquals("secagg.threshold must be >= 2 = floor((k + 1)/2) + 1 for k = 2 (more than half of the client and its k"
        + " neighbours, who hold its secrets), got 1", bad.getMessage());
    bad = assertThrows(IllegalArgumentException.class, () -> new SecAggParams(0, 1, 1.0, 32, 10_000));
    assertEquals("secagg.threshold must be 0 (default) or >= 2, got 1", bad.getMessage());
    bad = assertThrows(IllegalArgumentException.class, () -> new SecAggParams(4, 2, 1.0, 32, 10_000));
    assertTrue(bad.getMessage().startsWith("secagg.threshold must be >= 3 = floor((k + 1)/2) + 1 for k = 4"), bad.getMessage());
    bad = assertThrows(IllegalArgumentException.class, () -> new SecAggParams(0, 0, 1.0, 32, 10_000, 1));
    assertEquals("secagg.min_survivors must be >= 2, got 1", bad.getMessage());

    // With the defaults (k = 2, t = 2 for three clients) the lone survivor's input is never released.
    Federation f = clients(3, 71);
    FaultyTransport t = new FaultyTransport(f, Set.of("client-001", "client-002"));
    SecAggException e = assertThrows(SecAggException.class, () -> server(t, SecAggParams.defaults()).aggregate(1, f.ids(), D, 8));
    assertEquals("round 1: only 1 masked inputs arrived, at least 2 are needed (threshold 2, secagg.min_survivors 2);"
        + " the sum is not released", e.getMessage());
  }

  /** A threshold that is safe in a small round can be unsafe for the degree a large round gets: that round fails. */
  @Test
  void aThresholdBelowTheBoundOfTheRoundsDegreeFailsTheRound() {
    SecAggParams p = new SecAggParams(0, 2, 1.0, 32, 10_000);
    assertEquals(2, p.thresholdFor(3));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> p.thresholdFor(20));
    assertTrue(bad.getMessage().startsWith("secagg.threshold must be >= 6 = floor((k + 1)/2) + 1 for k = 10"), bad.getMessage());
    Federation f = clients(20, 73);
    FaultyTransport t = new FaultyTransport(f, Set.of());
    SecAggException e = assertThrows(SecAggException.class, () -> server(t, p).aggregate(1, f.ids(), D, 9));
    assertTrue(e.getMessage().startsWith("round 1: secagg.threshold must be >= 6"), e.getMessage());
    assertTrue(t.seen.isEmpty(), "no client was asked for anything");
  }

  @Test
  void fewerSurvivorsThanMinSurvivorsFailTheRoundBeforeUnmasking() {
    Federation f = clients(4, 81);
    FaultyTransport t = new FaultyTransport(f, Set.of("client-000", "client-002"));
    List<SecAggMessage> unmaskRequests = Collections.synchronizedList(new ArrayList<>());
    t.rewriteRequest = (id, m) -> {
      if (m instanceof SecAggMessage.UnmaskRequest) unmaskRequests.add(m);
      return m;
    };
    SecAggParams p = new SecAggParams(2, 2, 1.0, 32, 10_000, 3);
    SecAggException e = assertThrows(SecAggException.class, () -> server(t, p).aggregate(1, f.ids(), D, 10));
    assertEquals("round 1: only 2 masked inputs arrived, at least 3 are needed (threshold 2, secagg.min_survivors 3);"
        + " the sum is not released", e.getMessage());
    assertTrue(unmaskRequests.isEmpty(), "no unmasking share was requested");
  }

  /**
   * On a ring (k = 2) two dropouts on opposite sides leave two pairs of survivors that share no
   * masks: unmasking would let the server compute each pair's sum, so the round fails.
   */
  @Test
  void survivorsSplitIntoGroupsThatShareNoMasksReleaseNoSum() {
    Federation f = clients(6, 91);
    long seed = 12;
    CommunicationGraph g = CommunicationGraph.harary(6, 2, seed);
    // The two nodes at distance 3 from node 0 on the ring: node 0 and its opposite split it into two pairs.
    int opposite = -1;
    for (int v = 1; v < 6 && opposite < 0; v++) {
      boolean near = g.adjacent(0, v);
      for (int w : g.neighbours(0)) near |= g.adjacent(w, v);
      if (!near) opposite = v;
    }
    assertTrue(opposite > 0, "a ring of six has a node three steps away");
    FaultyTransport t = new FaultyTransport(f, Set.of(f.ids().get(0), f.ids().get(opposite)));
    SecAggException e = assertThrows(SecAggException.class,
        () -> server(t, new SecAggParams(2, 2, 1.0, 32, 10_000)).aggregate(1, f.ids(), D, seed));
    assertTrue(e.getMessage().contains("the 4 surviving clients are not linked by masks into one group"), e.getMessage());
    assertTrue(e.getMessage().endsWith("the sum is not released"), e.getMessage());
  }

  /** A server that sends threshold 1 (or one at most half of the secret holders) gets no keys, shares or masked input. */
  @Test
  void theClientRefusesASetupWithAnUnsafeThreshold() {
    SecAggParticipant p = new SecAggParticipant();
    p.setInput(1, new float[D], 100, 1);
    List<String> three = List.of("a", "b", "c");
    SecAggException e = assertThrows(SecAggException.class,
        () -> p.respond(new SecAggMessage.Setup(1, three, 0, List.of(1, 2), 1, 1.0, 32, 100, D)));
    assertEquals("unsafe setup refused: threshold must be >= 2 = floor((k + 1)/2) + 1 for k = 2 (more than half of the client"
        + " and its k neighbours, who hold its secrets), got 1", e.getMessage());
    List<String> five = List.of("a", "b", "c", "d", "e");
    e = assertThrows(SecAggException.class, () -> p.respond(new SecAggMessage.Setup(1, five, 0, List.of(1, 2, 3, 4), 2, 1.0, 32, 100, D)));
    assertTrue(e.getMessage().startsWith("unsafe setup refused: threshold must be >= 3"), e.getMessage());
    e = assertThrows(SecAggException.class, () -> p.respond(new SecAggMessage.Setup(1, five, 0, List.of(1, 1, 2), 2, 1.0, 32, 100, D)));
    assertEquals("setup names neighbour 1 twice", e.getMessage());
    e = assertThrows(SecAggException.class, () -> p.respond(new SecAggMessage.Setup(1, five, 0, List.of(), 1, 1.0, 32, 100, D)));
    assertEquals("unsafe setup refused: no neighbours to mask with", e.getMessage());
    // Nothing was set up: the next stage is refused too.
    assertThrows(SecAggException.class, () -> p.respond(new SecAggMessage.KeyDirectory(1, Map.of())));
    assertTrue(p.respond(new SecAggMessage.Setup(1, five, 0, List.of(1, 2, 3, 4), 3, 1.0, 32, 100, D)) instanceof SecAggMessage.PublicKeys);
  }

  /**
   * The round replayed by a hostile server that tells three clients threshold 1: every
   * client refuses at the setup, so none sends a share or a masked input.
   */
  @Test
  void aHostileServerSendingThresholdOneGetsNoMaskedInput() {
    Federation f = clients(3, 101);
    FaultyTransport t = new FaultyTransport(f, Set.of());
    t.rewriteRequest = (id, m) -> m instanceof SecAggMessage.Setup s
        ? new SecAggMessage.Setup(s.round(), s.clients(), s.self(), s.neighbours(), 1, s.clipRange(), s.modulusBits(), s.maxWeight(), s.dimension())
        : m;
    SecAggException e = assertThrows(SecAggException.class, () -> server(t, SecAggParams.defaults()).aggregate(1, f.ids(), D, 11));
    assertTrue(e.getMessage().contains("only 0 masked inputs arrived"), e.getMessage());
    assertTrue(t.seen.isEmpty(), "a masked input left a client: " + t.seen.keySet());
  }
}
