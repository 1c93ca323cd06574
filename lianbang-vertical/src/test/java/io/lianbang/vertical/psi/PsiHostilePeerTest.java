package io.lianbang.vertical.psi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.vertical.link.InMemoryLinks;
import io.lianbang.vertical.link.LinkException;
import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.link.PayloadWriter;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A peer that breaks the protocol is refused with an error naming the message and the field. */
class PsiHostilePeerTest {
  private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "psi-hostile");
    t.setDaemon(true);
    return t;
  });
  private static final PsiSettings SETTINGS = PsiSettings.DEFAULTS.withThreads(1).withBatchSize(4).withTimeout(Duration.ofSeconds(30));
  private static final Duration WAIT = Duration.ofSeconds(30);

  @AfterAll
  static void stop() {
    THREADS.shutdownNow();
  }

  /** The base point's u = 9: a valid point of the prime-order subgroup. */
  private static byte[] validPoints(int count) {
    byte[] out = new byte[32 * count];
    for (int i = 0; i < count; i++) out[32 * i] = 9;
    return out;
  }

  /** Runs a receiver with ids {"a", "b"} against a fake sender; returns the receiver's refusal. */
  private static LinkException receiverRefuses(int announced, Consumer<PartyLink> fakeSender) throws Exception {
    InMemoryLinks links = InMemoryLinks.connect("host", "guest");
    Future<?> fake = THREADS.submit(() -> {
      PartyLink l = links.link("host");
      l.send("guest", PsiProtocol.HELLO, PsiProtocol.hello(SETTINGS, announced, PsiProtocol.SENDER_ROLE));
      l.receive("guest", PsiProtocol.HELLO, WAIT);
      fakeSender.accept(l);
      return null;
    });
    LinkException e = assertThrows(LinkException.class, () -> new PsiReceiver(SETTINGS).run(links.link("guest"), "host", List.of("a", "b")));
    fake.get(30, TimeUnit.SECONDS);
    assertEquals(LinkException.Reason.REFUSED, e.reason(), e.getMessage());
    return e;
  }

  @Test
  void aPointOfWrongSizeIsRefused() throws Exception {
    LinkException e = receiverRefuses(1, l -> l.send("guest", "psi.sender/0", new PayloadWriter().putInt(1).putBytes(new byte[33]).toByteArray()));
    assertTrue(e.getMessage().contains("psi.sender/0 from host: points count must be in [0, 32], got 33"), e.getMessage());
  }

  @Test
  void moreOrFewerPointsThanAnnouncedAreRefused() throws Exception {
    LinkException e = receiverRefuses(1, l -> l.send("guest", "psi.sender/0", PsiProtocol.points(validPoints(2), 2)));
    assertTrue(e.getMessage().contains("psi.sender/0 from host: count is 2, expected 1"), e.getMessage());
    e = receiverRefuses(6, l -> l.send("guest", "psi.sender/0", PsiProtocol.points(validPoints(3), 3)));
    assertTrue(e.getMessage().contains("count is 3, expected 4"), e.getMessage());
  }

  @Test
  void anAnnouncedCountAboveTheLimitIsRefused() throws Exception {
    InMemoryLinks links = InMemoryLinks.connect("host", "guest");
    links.link("host").send("guest", PsiProtocol.HELLO, PsiProtocol.hello(SETTINGS, 11, PsiProtocol.SENDER_ROLE));
    LinkException e = assertThrows(LinkException.class,
        () -> new PsiReceiver(SETTINGS.withMaxPeerIds(10)).run(links.link("guest"), "host", List.of("a")));
    assertTrue(e.getMessage().contains("psi.hello from host: count must be in [0, 10] (maxPeerIds), got 11"), e.getMessage());
  }

  @Test
  void malformedPayloadsAreRefused() throws Exception {
    LinkException e = receiverRefuses(1, l -> l.send("guest", "psi.sender/0", new byte[] {0, 0}));
    assertTrue(e.getMessage().contains("psi.sender/0 from host: count needs 4 bytes, 2 left"), e.getMessage());
    byte[] trailing = new PayloadWriter().putInt(1).putBytes(validPoints(1)).putInt(7).toByteArray();
    e = receiverRefuses(1, l -> l.send("guest", "psi.sender/0", trailing));
    assertTrue(e.getMessage().contains("4 bytes after the last field"), e.getMessage());
  }

  @Test
  void smallOrderAndNonCanonicalPointsAreRefused() throws Exception {
    LinkException e = receiverRefuses(1, l -> l.send("guest", "psi.sender/0", PsiProtocol.points(new byte[32], 1)));
    assertTrue(e.getMessage().contains("psi.sender/0 from host: points[0] has small order"), e.getMessage());
    byte[] p = Curve25519Field.encode(Curve25519Field.P.add(BigInteger.valueOf(9)).subtract(Curve25519Field.P).add(Curve25519Field.P));
    e = receiverRefuses(1, l -> l.send("guest", "psi.sender/0", PsiProtocol.points(p, 1)));
    assertTrue(e.getMessage().contains("points[0] is not a canonical u-coordinate"), e.getMessage());
  }

  @Test
  void repeatedSenderPointsAreRefused() throws Exception {
    LinkException e = receiverRefuses(2, l -> {
      l.send("guest", "psi.sender/0", PsiProtocol.points(validPoints(2), 2));
      l.receive("guest", "psi.ack/0", WAIT);
    });
    assertTrue(e.getMessage().contains("the point at position 1 repeats an earlier one"), e.getMessage());
  }

  @Test
  void theSenderRefusesBadResultPositions() throws Exception {
    InMemoryLinks links = InMemoryLinks.connect("host", "guest");
    Future<?> fake = THREADS.submit(() -> {
      PartyLink l = links.link("guest");
      l.send("host", PsiProtocol.HELLO, PsiProtocol.hello(SETTINGS, 1, PsiProtocol.RECEIVER_ROLE));
      l.receive("host", PsiProtocol.HELLO, WAIT);
      l.receive("host", "psi.sender/0", WAIT);
      l.send("host", "psi.ack/0", PsiProtocol.ack(0));
      l.send("host", "psi.query/0", PsiProtocol.points(validPoints(1), 1));
      l.receive("host", "psi.reply/0", WAIT);
      l.send("host", "psi.size", new PayloadWriter().putInt(1).toByteArray());
      l.send("host", "psi.result/0", new PayloadWriter().putInts(new int[] {2}).toByteArray());
      return null;
    });
    LinkException e = assertThrows(LinkException.class, () -> new PsiSender(SETTINGS).run(links.link("host"), "guest", List.of("a", "b")));
    fake.get(30, TimeUnit.SECONDS);
    assertTrue(e.getMessage().contains("psi.result/0 from guest: positions[0] is 2, must be ascending in (-1, 2)"), e.getMessage());
  }

  @Test
  void theSenderRefusesAQueryOfSmallOrderPoints() throws Exception {
    InMemoryLinks links = InMemoryLinks.connect("host", "guest");
    Future<?> fake = THREADS.submit(() -> {
      PartyLink l = links.link("guest");
      l.send("host", PsiProtocol.HELLO, PsiProtocol.hello(SETTINGS, 2, PsiProtocol.RECEIVER_ROLE));
      l.receive("host", PsiProtocol.HELLO, WAIT);
      l.receive("host", "psi.sender/0", WAIT);
      l.send("host", "psi.ack/0", PsiProtocol.ack(0));
      byte[] points = validPoints(2);
      points[32] = 1; // u = 1 has order 4
      l.send("host", "psi.query/0", PsiProtocol.points(points, 2));
      return null;
    });
    LinkException e = assertThrows(LinkException.class, () -> new PsiSender(SETTINGS).run(links.link("host"), "guest", List.of("a")));
    fake.get(30, TimeUnit.SECONDS);
    assertTrue(e.getMessage().contains("psi.query/0 from guest: points[1] has small order"), e.getMessage());
  }
}
