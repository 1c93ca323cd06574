package io.lianbang.vertical.psi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.vertical.data.TestData;
import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.link.InMemoryLinks;
import io.lianbang.vertical.link.LinkException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The PSI roles against a plain HashSet intersection, in both directions, on the FATE data sets and synthetic ids. */
class PsiTest {
  private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "psi-test");
    t.setDaemon(true);
    return t;
  });
  private static final PsiSettings SETTINGS = PsiSettings.DEFAULTS.withThreads(2).withTimeout(Duration.ofSeconds(60));

  @AfterAll
  static void stop() {
    THREADS.shutdownNow();
  }

  /** The results of the sender [0] and the receiver [1]. */
  static PsiResult[] run(String senderName, List<String> senderIds, String receiverName, List<String> receiverIds, PsiSettings s)
      throws Exception {
    return run(InMemoryLinks.connect(senderName, receiverName), senderName, senderIds, receiverName, receiverIds, s);
  }

  static PsiResult[] run(InMemoryLinks links, String senderName, List<String> senderIds, String receiverName, List<String> receiverIds,
      PsiSettings s) throws Exception {
    Future<PsiResult> sender = THREADS.submit(() -> new PsiSender(s).run(links.link(senderName), receiverName, senderIds));
    PsiResult receiver = new PsiReceiver(s).run(links.link(receiverName), senderName, receiverIds);
    return new PsiResult[] {sender.get(60, TimeUnit.SECONDS), receiver};
  }

  static List<String> plainIntersection(List<String> a, List<String> b) {
    Set<String> set = new HashSet<>(a);
    List<String> out = new ArrayList<>();
    for (String id : b) if (set.contains(id)) out.add(id);
    out.sort(null);
    return out;
  }

  /** {@code ids} without a random {@code fraction} of them (seeded). */
  static List<String> dropSome(List<String> ids, double fraction, long seed) {
    Random random = new Random(seed);
    List<String> out = new ArrayList<>();
    for (String id : ids) if (random.nextDouble() >= fraction) out.add(id);
    return out;
  }

  @Test
  void breastIdsAllCommonWithGuestAsReceiver() throws Exception {
    VerticalTable guest = TestData.breastGuest();
    VerticalTable host = TestData.breastHost();
    InMemoryLinks links = InMemoryLinks.connect("host", "guest");
    PsiResult[] r = run(links, "host", host.ids(), "guest", guest.ids(), SETTINGS.withBatchSize(100));
    List<String> expected = plainIntersection(host.ids(), guest.ids());
    assertEquals(569, expected.size());
    assertEquals(expected, r[1].intersection());
    assertEquals(expected, r[0].intersection());
    assertEquals(569, r[0].size());
    assertEquals(569, r[1].peerIds());
    // every kind of message sent is described in the protocol's table
    Set<String> kinds = new HashSet<>();
    for (String party : List.of("host", "guest")) links.link(party).stats().snapshot().keySet().forEach(k -> kinds.add(k.kind()));
    assertEquals(PsiProtocol.MESSAGES.keySet(), kinds);
    assertEquals(r[0].bytesSent(), r[1].bytesReceived());
    // the guest's table can be aligned on the result
    assertEquals(569, guest.select(r[1].intersection()).rows());
  }

  @Test
  void creditIdsWithRowsRemovedOnEachSideWithHostAsReceiver() throws Exception {
    List<String> guest = dropSome(TestData.creditGuest().ids(), 0.1, 1);
    List<String> host = dropSome(TestData.creditHost().ids(), 0.1, 2);
    PsiResult[] r = run("guest", guest, "host", host, SETTINGS.withBatchSize(4096));
    List<String> expected = plainIntersection(guest, host);
    assertTrue(expected.size() > 20_000 && expected.size() < 26_000, "overlap " + expected.size());
    assertEquals(expected, r[1].intersection());
    assertEquals(expected, r[0].intersection());
    // 32 bytes a point: the sender's points and replies, the receiver's queries, plus small messages
    assertTrue(r[0].bytesSent() >= 32L * (guest.size() + host.size()), "sender bytes " + r[0].bytesSent());
    assertTrue(r[1].bytesSent() >= 32L * host.size(), "receiver bytes " + r[1].bytesSent());
    System.out.printf("PSI credit %d x %d ids -> %d common: receiver %d ms %s, sent %d + %d bytes%n", guest.size(), host.size(),
        expected.size(), r[1].total().toMillis(), r[1].phases(), r[0].bytesSent(), r[1].bytesSent());
  }

  /** Ids of unusual form: empty, unicode, surrogate pairs, control characters, long, near-duplicates. */
  static List<String> oddIds(String side, int n, int common) {
    List<String> ids = new ArrayList<>();
    String[] forms = {"", " ", "id", "ID", "id ", "\u0000", "\u8054\u90a6-", "\ud83d\ude00", "caf\u00e9", "cafe\u0301"};
    for (int i = 0; i < common; i++) {
      String f = forms[i % forms.length];
      ids.add(i < forms.length ? f : f + i + (i % 47 == 0 ? "x".repeat(5000) : ""));
    }
    for (int i = 0; i < n - common; i++) ids.add(side + "\u00b7" + i);
    return ids;
  }

  @Test
  void syntheticIdsOfAnyFormInBothDirections() throws Exception {
    List<String> a = oddIds("a", 1500, 500);
    List<String> b = oddIds("b", 1200, 500);
    java.util.Collections.shuffle(b, new Random(3));
    List<String> expected = plainIntersection(a, b);
    assertEquals(500, expected.size());

    PsiResult[] r = run("host", a, "guest", b, SETTINGS.withBatchSize(256).withReveal(PsiReveal.SIZE));
    assertEquals(expected, r[1].intersection());
    assertNull(r[0].intersection());
    assertEquals(500, r[0].size());

    r = run("guest", b, "host", a, SETTINGS.withBatchSize(499).withReveal(PsiReveal.NONE));
    assertEquals(expected, r[1].intersection());
    assertNull(r[0].intersection());
    assertEquals(-1, r[0].size());
    assertEquals(1500, r[0].peerIds());
  }

  @Test
  void emptyAndDisjointSets() throws Exception {
    PsiResult[] r = run("host", List.of(), "guest", List.of("a", "b"), SETTINGS);
    assertEquals(List.of(), r[1].intersection());
    assertEquals(List.of(), r[0].intersection());
    r = run("host", List.of("a", "b"), "guest", List.of("c"), SETTINGS.withBatchSize(1));
    assertEquals(List.of(), r[1].intersection());
    assertEquals(0, r[0].size());
  }

  @Test
  void repeatedOrNullIdsAreRefusedNamingThePositions() {
    InMemoryLinks links = InMemoryLinks.connect("host", "guest");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PsiReceiver(SETTINGS).run(links.link("guest"), "host", List.of("a", "b", "a")));
    assertEquals("ids[0] and ids[2] are both 'a'", e.getMessage());
    List<String> withNull = new ArrayList<>(List.of("a"));
    withNull.add(null);
    e = assertThrows(IllegalArgumentException.class, () -> new PsiSender(SETTINGS).run(links.link("host"), "guest", withNull));
    assertEquals("ids[1] is null", e.getMessage());
  }

  @Test
  void settingsAreValidatedNamingTheParameter() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SETTINGS.withBatchSize(0)).getMessage().contains("batchSize"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SETTINGS.withThreads(0)).getMessage().contains("threads"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SETTINGS.withTimeout(Duration.ZERO)).getMessage().contains("timeout"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SETTINGS.withMaxPeerIds(-1)).getMessage().contains("maxPeerIds"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> SETTINGS.withDomain("")).getMessage().contains("domain"));
  }

  @Test
  void mismatchedSettingsAreRefusedNamingTheField() throws Exception {
    InMemoryLinks links = InMemoryLinks.connect("host", "guest");
    Future<PsiResult> sender = THREADS.submit(() -> new PsiSender(SETTINGS.withBatchSize(10)).run(links.link("host"), "guest", List.of("a")));
    LinkException e = assertThrows(LinkException.class, () -> new PsiReceiver(SETTINGS).run(links.link("guest"), "host", List.of("a")));
    assertEquals(LinkException.Reason.REFUSED, e.reason());
    assertTrue(e.getMessage().contains("batchSize is 10, expected 65536"), e.getMessage());
    links.kill("guest");
    assertThrows(Exception.class, () -> sender.get(60, TimeUnit.SECONDS));
  }

  @Test
  void aCrashedSenderSurfacesAsAnErrorNamingTheStep() throws Exception {
    InMemoryLinks links = InMemoryLinks.connect("host", "guest");
    // the "sender" says hello and crashes
    links.link("host").send("guest", PsiProtocol.HELLO, PsiProtocol.hello(SETTINGS, 5, PsiProtocol.SENDER_ROLE));
    Future<?> kill = THREADS.submit(() -> {
      links.link("host").receive("guest", PsiProtocol.HELLO, Duration.ofSeconds(30));
      links.kill("host");
      return null;
    });
    LinkException e = assertThrows(LinkException.class, () -> new PsiReceiver(SETTINGS).run(links.link("guest"), "host", List.of("a")));
    kill.get(30, TimeUnit.SECONDS);
    assertEquals(LinkException.Reason.PEER_LOST, e.reason());
    assertTrue(e.getMessage().contains("PSI receiver guest, waiting for psi.sender/0 from host"), e.getMessage());
  }

  @Test
  void aSilentReceiverTimesOut() {
    InMemoryLinks links = InMemoryLinks.connect("host", "guest");
    LinkException e = assertThrows(LinkException.class,
        () -> new PsiSender(SETTINGS.withTimeout(Duration.ofMillis(200))).run(links.link("host"), "guest", List.of("a")));
    assertEquals(LinkException.Reason.TIMEOUT, e.reason());
    assertTrue(e.getMessage().contains("PSI sender host, waiting for psi.hello from guest"), e.getMessage());
  }
}
