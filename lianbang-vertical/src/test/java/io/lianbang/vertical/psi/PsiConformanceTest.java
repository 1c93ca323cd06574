package io.lianbang.vertical.psi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.vertical.link.InMemoryLinks;
import io.lianbang.vertical.link.LinkStats;
import io.lianbang.vertical.link.LinkException;
import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.link.PayloadReader;
import io.lianbang.vertical.link.PayloadWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The statements of docs/protocol.md ("PSI (ECDH on Curve25519)") that the other PSI tests do not
 * already check: the hello's refusals, the flow-control windows, the bound on the revealed size
 * and the documented defaults. Fake peers speak the protocol by hand.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PsiConformanceTest {
  private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "psi-conformance");
    t.setDaemon(true);
    return t;
  });
  private static final Duration WAIT = Duration.ofSeconds(20);
  /** Long enough to see that a message the window holds back does not come. */
  private static final Duration HELD_BACK = Duration.ofMillis(400);

  @AfterAll
  static void stop() {
    THREADS.shutdownNow();
  }

  /** The base point's u = 9, {@code count} times. */
  private static byte[] validPoints(int count) {
    byte[] out = new byte[32 * count];
    for (int i = 0; i < count; i++) out[32 * i] = 9;
    return out;
  }

  private static byte[] hello(int version, String domain, int batch, int count, int role, int reveal) {
    return new PayloadWriter().putInt(version).putString(domain).putInt(batch).putInt(count).putInt(role).putInt(reveal).toByteArray();
  }

  /** The receiver's refusal of {@code hello} sent by a fake sender. */
  private static String receiverRefusesHello(PsiSettings s, byte[] hello) {
    InMemoryLinks links = InMemoryLinks.connect("host", "guest");
    links.link("host").send("guest", PsiProtocol.HELLO, hello);
    LinkException e = assertThrows(LinkException.class, () -> new PsiReceiver(s).run(links.link("guest"), "host", List.of("a")));
    assertEquals(LinkException.Reason.REFUSED, e.reason(), e.getMessage());
    return e.getMessage();
  }

  @Test
  void aHelloWithAnotherVersionDomainRoleOrRevealIsRefusedNamingTheField() {
    PsiSettings s = PsiSettings.DEFAULTS.withThreads(1).withTimeout(WAIT);
    String d = s.domain();
    int b = s.batchSize();
    assertTrue(receiverRefusesHello(s, hello(2, d, b, 1, 0, 2)).contains("psi.hello from host: version is 2, expected 1"));
    assertTrue(receiverRefusesHello(s, hello(1, d + "X", b, 1, 0, 2)).contains("domain is '" + d + "X', expected '" + d + "'"));
    assertTrue(receiverRefusesHello(s, hello(1, d, b, 1, 1, 2)).contains("role is 1, expected 0 (0 sender, 1 receiver)"));
    assertTrue(receiverRefusesHello(s, hello(1, d, b, 1, 0, 1)).contains("reveal is 1, expected 2 (INTERSECTION)"));
    // the same message with the documented field values is accepted: the receiver goes on to wait for psi.sender/0
    InMemoryLinks links = InMemoryLinks.connect("host", "guest");
    links.link("host").send("guest", PsiProtocol.HELLO, hello(1, d, b, 1, 0, 2));
    LinkException e = assertThrows(LinkException.class,
        () -> new PsiReceiver(s.withTimeout(Duration.ofMillis(200))).run(links.link("guest"), "host", List.of("a")));
    assertEquals(LinkException.Reason.TIMEOUT, e.reason(), e.getMessage());
    assertTrue(e.getMessage().contains("waiting for psi.sender/0 from host"), e.getMessage());
  }

  @Test
  void theSenderSendsBatchKOnlyAfterTheAckOfBatchKMinusFour() throws Exception {
    PsiSettings s = PsiSettings.DEFAULTS.withThreads(1).withBatchSize(1).withTimeout(WAIT);
    InMemoryLinks links = InMemoryLinks.connect("host", "guest");
    Future<PsiResult> sender = THREADS.submit(() -> new PsiSender(s).run(links.link("host"), "guest", List.of("a", "b", "c", "d", "e", "f")));
    PartyLink fake = links.link("guest");
    fake.send("host", PsiProtocol.HELLO, PsiProtocol.hello(s, 1, PsiProtocol.RECEIVER_ROLE));
    fake.receive("host", PsiProtocol.HELLO, WAIT);
    for (int k = 0; k < 4; k++) fake.receive("host", "psi.sender/" + k, WAIT);
    LinkException held = assertThrows(LinkException.class, () -> fake.receive("host", "psi.sender/4", HELD_BACK));
    assertEquals(LinkException.Reason.TIMEOUT, held.reason(), "batch 4 waits for psi.ack/0");
    fake.send("host", "psi.ack/0", PsiProtocol.ack(0));
    fake.receive("host", "psi.sender/4", WAIT);
    assertEquals(LinkException.Reason.TIMEOUT,
        assertThrows(LinkException.class, () -> fake.receive("host", "psi.sender/5", HELD_BACK)).reason(), "batch 5 waits for psi.ack/1");
    fake.send("host", "psi.ack/1", PsiProtocol.ack(1));
    fake.receive("host", "psi.sender/5", WAIT);
    links.kill("guest");
    assertThrows(Exception.class, () -> sender.get(30, TimeUnit.SECONDS));
  }

  @Test
  void theReceiverHasAtMostFourQueriesUnanswered() throws Exception {
    PsiSettings s = PsiSettings.DEFAULTS.withThreads(1).withBatchSize(1).withTimeout(WAIT);
    InMemoryLinks links = InMemoryLinks.connect("host", "guest");
    Future<PsiResult> receiver = THREADS.submit(() -> new PsiReceiver(s).run(links.link("guest"), "host", List.of("a", "b", "c", "d", "e", "f")));
    PartyLink fake = links.link("host");
    fake.send("guest", PsiProtocol.HELLO, PsiProtocol.hello(s, 1, PsiProtocol.SENDER_ROLE));
    fake.receive("guest", PsiProtocol.HELLO, WAIT);
    fake.send("guest", "psi.sender/0", PsiProtocol.points(validPoints(1), 1));
    fake.receive("guest", "psi.ack/0", WAIT);
    for (int k = 0; k < 4; k++) fake.receive("guest", "psi.query/" + k, WAIT);
    assertEquals(LinkException.Reason.TIMEOUT,
        assertThrows(LinkException.class, () -> fake.receive("guest", "psi.query/4", HELD_BACK)).reason(), "query 4 waits for psi.reply/0");
    fake.send("guest", "psi.reply/0", PsiProtocol.points(validPoints(1), 1));
    fake.receive("guest", "psi.query/4", WAIT);
    links.kill("host");
    assertThrows(Exception.class, () -> receiver.get(30, TimeUnit.SECONDS));
  }

  @Test
  void theSenderRefusesASizeAboveTheSmallerSet() throws Exception {
    PsiSettings s = PsiSettings.DEFAULTS.withThreads(1).withBatchSize(4).withTimeout(WAIT);
    InMemoryLinks links = InMemoryLinks.connect("host", "guest");
    Future<?> fake = THREADS.submit(() -> {
      PartyLink l = links.link("guest");
      l.send("host", PsiProtocol.HELLO, PsiProtocol.hello(s, 1, PsiProtocol.RECEIVER_ROLE));
      l.receive("host", PsiProtocol.HELLO, WAIT);
      l.receive("host", "psi.sender/0", WAIT);
      l.send("host", "psi.ack/0", PsiProtocol.ack(0));
      l.send("host", "psi.query/0", PsiProtocol.points(validPoints(1), 1));
      l.receive("host", "psi.reply/0", WAIT);
      l.send("host", "psi.size", new PayloadWriter().putInt(2).toByteArray());
      return null;
    });
    LinkException e = assertThrows(LinkException.class, () -> new PsiSender(s).run(links.link("host"), "guest", List.of("a", "b")));
    fake.get(30, TimeUnit.SECONDS);
    assertEquals(LinkException.Reason.REFUSED, e.reason());
    assertTrue(e.getMessage().contains("psi.size from guest: size must be in [0, 1], got 2"), e.getMessage());
  }

  @Test
  void theDocumentedDefaultsAndTables() {
    assertEquals("LIANBANG-V01-PSI-with-curve25519_XMD:SHA-512_ELL2_RO_", PsiSettings.DEFAULTS.domain());
    assertEquals(65_536, PsiSettings.DEFAULTS.batchSize());
    assertEquals(PsiReveal.INTERSECTION, PsiSettings.DEFAULTS.reveal());
    assertEquals(List.of(PsiReveal.NONE, PsiReveal.SIZE, PsiReveal.INTERSECTION), List.of(PsiReveal.values()), "reveal 0, 1, 2");
    assertEquals(4, PsiProtocol.WINDOW);
    assertEquals(Set.of("psi.hello", "psi.sender", "psi.ack", "psi.query", "psi.reply", "psi.size", "psi.result"),
        PsiProtocol.MESSAGES.keySet());
    assertEquals(Set.of("sender", "receiver"), PsiProtocol.LEARNS.keySet());
  }
  /** A link that passes everything on and keeps the {@code psi.result} payloads it sends. */
  private static PartyLink keepingResults(PartyLink inner, List<int[]> results) {
    return new PartyLink() {
      @Override
      public String self() {
        return inner.self();
      }

      @Override
      public void send(String to, String tag, byte[] payload) {
        if (tag.startsWith("psi.result/")) {
          PayloadReader r = new PayloadReader(tag, payload);
          results.add(r.getInts("positions", 1 << 20));
          r.end();
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
  }

  @Test
  void theSenderPointsComeInAFreshlyShuffledOrder() throws Exception {
    PsiSettings s = PsiSettings.DEFAULTS.withThreads(1).withBatchSize(64).withTimeout(WAIT);
    List<String> senderIds = new ArrayList<>();
    for (int i = 0; i < 200; i++) senderIds.add("id-" + i);
    List<String> receiverIds = senderIds.subList(0, 20); // the first 20 of the sender's list
    List<int[]> positions = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      InMemoryLinks links = InMemoryLinks.connect("host", "guest");
      List<int[]> results = new ArrayList<>();
      Future<PsiResult> sender = THREADS.submit(() -> new PsiSender(s).run(links.link("host"), "guest", senderIds));
      PsiResult r = new PsiReceiver(s).run(keepingResults(links.link("guest"), results), "host", receiverIds);
      assertEquals(20, sender.get(30, TimeUnit.SECONDS).intersection().size());
      assertEquals(20, r.intersection().size());
      int[] p = results.stream().flatMapToInt(Arrays::stream).toArray();
      assertEquals(20, p.length);
      positions.add(p);
    }
    // in list order the common ids would sit at positions 0..19; shuffled, that has probability 1/C(200, 20)
    int[] listOrder = java.util.stream.IntStream.range(0, 20).toArray();
    assertTrue(!Arrays.equals(listOrder, positions.get(0)), Arrays.toString(positions.get(0)));
    // each run draws its own permutation (SecureRandom, never seeded)
    assertTrue(!Arrays.equals(positions.get(0), positions.get(1)), Arrays.toString(positions.get(1)));
  }
}
