package io.lianbang.vertical.link;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemoryLinksTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @Test
  void deliversByPeerAndTagInAnyOrderAndCountsBytes() {
    InMemoryLinks net = InMemoryLinks.connect("guest", "host", "arbiter");
    PartyLink guest = net.link("guest");
    PartyLink host = net.link("host");
    guest.send("host", "lr.residual/1", new byte[] {1, 2, 3});
    guest.send("host", "lr.residual/0", new byte[] {9});
    net.link("arbiter").send("host", "lr.residual/0", new byte[] {7, 7});
    assertArrayEquals(new byte[] {9}, host.receive("guest", "lr.residual/0", WAIT));
    assertArrayEquals(new byte[] {7, 7}, host.receive("arbiter", "lr.residual/0", WAIT));
    assertArrayEquals(new byte[] {1, 2, 3}, host.receive("guest", "lr.residual/1", WAIT));
    assertEquals(4, guest.stats().totalBytes(true));
    assertEquals(6, host.stats().totalBytes(false));
    assertEquals(new LinkStats.Count(2, 4), guest.stats().snapshot().get(new LinkStats.Key(true, "host", "lr.residual")));
  }

  @Test
  void payloadsAreCopied() {
    InMemoryLinks net = InMemoryLinks.connect("a", "b");
    byte[] p = {1};
    net.link("a").send("b", "t", p);
    p[0] = 2;
    assertArrayEquals(new byte[] {1}, net.link("b").receive("a", "t", WAIT));
  }

  @Test
  void aWaitEndsAtItsDeadline() {
    InMemoryLinks net = InMemoryLinks.connect("a", "b");
    LinkException e = assertThrows(LinkException.class, () -> net.link("a").receive("b", "t", Duration.ofMillis(50)));
    assertEquals(LinkException.Reason.TIMEOUT, e.reason());
    assertTrue(e.getMessage().contains("no t from b within 50 ms"), e.getMessage());
  }

  @Test
  void aCrashedPeerWakesItsWaitersAtOnce() throws Exception {
    InMemoryLinks net = InMemoryLinks.connect("guest", "host");
    CompletableFuture<LinkException> waiting = CompletableFuture.supplyAsync(
        () -> assertThrows(LinkException.class, () -> net.link("guest").receive("host", "x", Duration.ofMinutes(5))));
    Thread.sleep(50);
    net.kill("host");
    LinkException e = waiting.get(10, TimeUnit.SECONDS);
    assertEquals(LinkException.Reason.PEER_LOST, e.reason());
    assertTrue(e.getMessage().contains("host crashed"), e.getMessage());
    assertEquals(LinkException.Reason.PEER_LOST,
        assertThrows(LinkException.class, () -> net.link("guest").send("host", "y", new byte[0])).reason());
  }

  @Test
  void refusesWhatBreaksTheLimits() {
    InMemoryLinks net = InMemoryLinks.connect(new LinkLimits(8, 2, 10), "a", "b");
    PartyLink a = net.link("a");
    assertTrue(assertThrows(LinkException.class, () -> a.send("b", "t", new byte[9])).getMessage().contains("9 bytes, more than maxMessageBytes 8"));
    assertTrue(assertThrows(LinkException.class, () -> a.send("b", "a-very-long-tag", new byte[1])).getMessage().contains("1 to 10 characters, got 15"));
    a.send("b", "t1", new byte[1]);
    assertEquals(LinkException.Reason.REFUSED, assertThrows(LinkException.class, () -> a.send("b", "t1", new byte[1])).reason());
    a.send("b", "t2", new byte[1]);
    assertTrue(assertThrows(LinkException.class, () -> a.send("b", "t3", new byte[1])).getMessage().contains("2 messages queued"));
    net.link("b").receive("a", "t1", WAIT);
    a.send("b", "t3", new byte[1]);
    assertThrows(LinkException.class, () -> a.send("c", "t", new byte[1]));
    assertThrows(IllegalArgumentException.class, () -> InMemoryLinks.connect("a", "a"));
  }
}
