package io.lianbang.vertical.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.vertical.link.LinkException;
import io.lianbang.vertical.link.LinkLimits;
import io.lianbang.vertical.link.LinkStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Parties over real gRPC on loopback with real mutual TLS: messages, chunking, startup order, crashes, restarts. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GrpcPartyLinkTest {
  @TempDir static Path dir;
  static Path certs;
  static final ExecutorService threads = Executors.newCachedThreadPool();

  @BeforeAll
  static void certificates() {
    certs = TestParties.certificates(dir.resolve("certs"), List.of("guest", "host", "arbiter", "mallory"));
  }

  @AfterAll
  static void stop() {
    threads.shutdownNow();
  }

  private static Map<String, Integer> ports(String... parties) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (String p : parties) ports.put(p, TestParties.freePort());
    return ports;
  }

  @Test
  void threePartiesExchangeMessagesBothWaysAndRunPingPong() throws Exception {
    Map<String, Integer> ports = ports("guest", "host", "arbiter");
    List<GrpcPartyLink> links = new ArrayList<>();
    try {
      for (String p : ports.keySet()) links.add(TestParties.start(certs, p, ports, "run-3", TestParties.FAST));
      // every party sends a distinct message to every other, concurrently, then reads all it was sent
      List<Future<?>> work = new ArrayList<>();
      for (GrpcPartyLink from : links) {
        work.add(threads.submit(() -> {
          for (GrpcPartyLink to : links) {
            if (to != from) from.send(to.self(), "hello/0", (from.self() + "->" + to.self()).getBytes());
          }
          for (GrpcPartyLink other : links) {
            if (other == from) continue;
            assertEquals(other.self() + "->" + from.self(), new String(from.receive(other.self(), "hello/0", Duration.ofSeconds(20))));
          }
          return null;
        }));
      }
      for (Future<?> f : work) f.get(40, TimeUnit.SECONDS);
      Future<Long> host = threads.submit(() -> TestParties.pingPong(links.get(1), "guest", false, 20, Duration.ofSeconds(20)));
      assertEquals(20, TestParties.pingPong(links.get(0), "host", true, 20, Duration.ofSeconds(20)));
      assertEquals(20, host.get(20, TimeUnit.SECONDS));

      LinkStats.Count toHost = links.get(0).stats().snapshot().get(new LinkStats.Key(true, "host", "pp"));
      assertEquals(new LinkStats.Count(20, 20 * 8), toHost, "20 counters of 8 bytes sent to the host");
      assertEquals(new LinkStats.Count(1, "arbiter->guest".length()),
          links.get(0).stats().snapshot().get(new LinkStats.Key(false, "arbiter", "hello")));
    } finally {
      links.forEach(GrpcPartyLink::close);
    }
  }

  @Test
  void aTwentyMebibytePayloadArrivesInChunksIntact() throws Exception {
    Map<String, Integer> ports = ports("guest", "host");
    try (GrpcPartyLink guest = TestParties.start(certs, "guest", ports, "big", TestParties.FAST);
         GrpcPartyLink host = TestParties.start(certs, "host", ports, "big", TestParties.FAST)) {
      byte[] payload = new byte[20 << 20];
      new Random(14).nextBytes(payload);
      // the server takes gRPC messages of at most 1 MiB + 64 KiB, so only a chunked delivery can arrive
      guest.send("host", "blob/0", payload);
      assertArrayEquals(payload, host.receive("guest", "blob/0", Duration.ofSeconds(5)));
      assertEquals(payload.length, guest.stats().totalBytes(true));
    }
  }

  @Test
  void aPartyStartedLateIsReachedWithinTheStartupWindow() throws Exception {
    Map<String, Integer> ports = ports("guest", "host");
    try (GrpcPartyLink guest = TestParties.start(certs, "guest", ports, "late", TestParties.FAST)) {
      Future<?> send = threads.submit(() -> {
        guest.send("host", "early/0", new byte[] {1, 2, 3});
        return null;
      });
      Thread.sleep(1500); // the host is not up yet: the send retries
      assertTrue(!send.isDone(), "the send waits for the host");
      try (GrpcPartyLink host = TestParties.start(certs, "host", ports, "late", TestParties.FAST)) {
        send.get(20, TimeUnit.SECONDS);
        assertArrayEquals(new byte[] {1, 2, 3}, host.receive("guest", "early/0", Duration.ofSeconds(5)));
      }
    }
  }

  @Test
  void aPeerNeverStartedIsLostAtTheEndOfTheStartupWindow() {
    Map<String, Integer> ports = ports("guest", "host");
    GrpcLinkSettings shortWindow = TestParties.FAST.withStartupWindow(Duration.ofMillis(700));
    try (GrpcPartyLink guest = TestParties.start(certs, "guest", ports, "never", shortWindow)) {
      long start = System.nanoTime();
      LinkException e = assertThrows(LinkException.class, () -> guest.receive("host", "x/0", Duration.ofSeconds(30)));
      assertEquals(LinkException.Reason.PEER_LOST, e.reason());
      assertTrue(e.getMessage().contains("host") && e.getMessage().contains("startup window"), e.getMessage());
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15), "lost well before the receive's 30 s");
      LinkException send = assertThrows(LinkException.class, () -> guest.send("host", "x/0", new byte[1]));
      assertEquals(LinkException.Reason.PEER_LOST, send.reason());
    }
  }

  @Test
  void aReceiveWithNoMessageTimesOutAtItsDeadline() {
    Map<String, Integer> ports = ports("guest", "host");
    try (GrpcPartyLink guest = TestParties.start(certs, "guest", ports, "quiet", TestParties.FAST);
         GrpcPartyLink host = TestParties.start(certs, "host", ports, "quiet", TestParties.FAST)) {
      long start = System.nanoTime();
      LinkException e = assertThrows(LinkException.class, () -> guest.receive("host", "never/0", Duration.ofMillis(400)));
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertEquals(LinkException.Reason.TIMEOUT, e.reason(), e.getMessage());
      assertTrue(millis >= 400, "waited " + millis + " ms");
      assertTrue(e.getMessage().contains("never/0") && e.getMessage().contains("host"), e.getMessage());
    }
  }

  @Test
  void aCrashedPartyFailsTheOthersReceiveWithPeerLost() throws Exception {
    Map<String, Integer> ports = ports("guest", "host", "arbiter");
    GrpcPartyLink guest = TestParties.start(certs, "guest", ports, "crash", TestParties.FAST);
    GrpcPartyLink host = TestParties.start(certs, "host", ports, "crash", TestParties.FAST);
    GrpcPartyLink arbiter = TestParties.start(certs, "arbiter", ports, "crash", TestParties.FAST);
    try {
      Future<Long> hostSide = threads.submit(() -> TestParties.pingPong(host, "guest", false, 3, Duration.ofSeconds(20)));
      assertEquals(3, TestParties.pingPong(guest, "host", true, 3, Duration.ofSeconds(20)));
      hostSide.get(20, TimeUnit.SECONDS);
      Future<LinkException> guestWait = threads.submit(() -> assertThrows(LinkException.class,
          () -> guest.receive("host", "pp/3", Duration.ofSeconds(45))));
      Future<LinkException> arbiterWait = threads.submit(() -> assertThrows(LinkException.class,
          () -> arbiter.receive("host", "lr.gradient/0", Duration.ofSeconds(45))));
      Thread.sleep(300);
      long start = System.nanoTime();
      host.abort(); // as a crash: no goodbye, the connections just drop
      for (Future<LinkException> wait : List.of(guestWait, arbiterWait)) {
        LinkException e = wait.get(30, TimeUnit.SECONDS);
        assertEquals(LinkException.Reason.PEER_LOST, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("lost host") && e.getMessage().contains("stopped answering"), e.getMessage());
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      // the liveness window is 3 x 100 ms + 500 ms; the receives would have waited 45 s
      assertTrue(millis < 10_000, "noticed after " + millis + " ms");
      LinkException send = assertThrows(LinkException.class, () -> guest.send("host", "pp/4", new byte[8]));
      assertEquals(LinkException.Reason.PEER_LOST, send.reason());
    } finally {
      guest.close();
      arbiter.close();
    }
  }

  @Test
  void aRestartedPartyIsRefusedByASurvivorAndTheRunRestartsCleanly() throws Exception {
    Map<String, Integer> ports = ports("guest", "host");
    // slow liveness: the guest does not notice the crash by pings before the host comes back
    GrpcLinkSettings slow = TestParties.FAST.withLiveness(Duration.ofSeconds(5), 3, Duration.ofSeconds(1));
    GrpcPartyLink guest = TestParties.start(certs, "guest", ports, "again", slow);
    GrpcPartyLink host = TestParties.start(certs, "host", ports, "again", slow);
    GrpcPartyLink guest2 = null;
    GrpcPartyLink host2 = null;
    try {
      Future<Long> hostSide = threads.submit(() -> TestParties.pingPong(host, "guest", false, 2, Duration.ofSeconds(20)));
      assertEquals(2, TestParties.pingPong(guest, "host", true, 2, Duration.ofSeconds(20)));
      hostSide.get(20, TimeUnit.SECONDS);
      String oldIncarnation = host.incarnation();
      host.abort();

      host2 = TestParties.start(certs, "host", ports, "again", slow); // same command, same port
      assertTrue(!host2.incarnation().equals(oldIncarnation));
      GrpcPartyLink restarted = host2;
      // the restarted host opens the run again; the surviving guest exchanged messages with its predecessor
      Future<Long> host2Side = threads.submit(() -> TestParties.pingPong(restarted, "guest", true, 2, Duration.ofSeconds(20)));
      LinkException e = assertThrows(LinkException.class, () -> guest.receive("host", "pp/2", Duration.ofSeconds(20)));
      assertEquals(LinkException.Reason.PEER_LOST, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains("restarted in the middle of the run") && e.getMessage().contains(oldIncarnation), e.getMessage());
      assertTrue(!host2Side.isDone(), "the restarted host keeps waiting for a fresh guest within its startup window");

      guest.close(); // the guest fails and is restarted with the same command too
      guest2 = TestParties.start(certs, "guest", ports, "again", slow);
      assertEquals(2, TestParties.pingPong(guest2, "host", false, 2, Duration.ofSeconds(20)));
      assertEquals(2, host2Side.get(20, TimeUnit.SECONDS));
    } finally {
      guest.close();
      if (guest2 != null) guest2.close();
      if (host2 != null) host2.close();
    }
  }

  @Test
  void aCertificateWhoseNameIsNotSelfIsRefusedAtStart() {
    GrpcPartyLink.Builder b = GrpcPartyLink.builder().self("guest").listen("127.0.0.1:0").peer("host", "127.0.0.1:1").runId("r")
        .tls(TestParties.tls(certs, "mallory"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::start);
    assertTrue(e.getMessage().contains("names party 'mallory', not self 'guest'"), e.getMessage());
  }

  @Test
  void badParametersAreNamed() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> GrpcPartyLink.builder().self("bad name"))
        .getMessage().contains("self name 'bad name'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> GrpcPartyLink.builder().peer("host", "nohost"))
        .getMessage().contains("peer host address 'nohost' must be host:port"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> GrpcPartyLink.builder().peer("host", "h:70000"))
        .getMessage().contains("has port 70000"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> GrpcPartyLink.builder().runId("a b"))
        .getMessage().contains("runId 'a b'"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> GrpcPartyLink.builder().self("guest").listen("127.0.0.1:0").start())
        .getMessage().contains("at least one peer"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TestParties.FAST.withLiveness(Duration.ZERO, 3, Duration.ofSeconds(1)))
        .getMessage().contains("pingInterval must be more than 0"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TestParties.FAST.withChunkBytes(2 << 20))
        .getMessage().contains("chunkBytes must be in [1024, 1048576], got 2097152"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> TestParties.FAST.withLiveness(Duration.ofSeconds(1), 0, Duration.ofSeconds(1)))
        .getMessage().contains("pingMisses must be in [1, 1000], got 0"));
    assertEquals(Duration.ofMillis(800), TestParties.FAST.livenessWindow());
  }

  @Test
  void aPayloadAboveTheLimitsIsRefusedBeforeSending() {
    Map<String, Integer> ports = ports("guest", "host");
    GrpcLinkSettings small = TestParties.FAST.withLimits(new LinkLimits(1000, 16, 32));
    try (GrpcPartyLink guest = TestParties.start(certs, "guest", ports, "small", small);
         GrpcPartyLink host = TestParties.start(certs, "host", ports, "small", small)) {
      LinkException e = assertThrows(LinkException.class, () -> guest.send("host", "x/0", new byte[1001]));
      assertEquals(LinkException.Reason.REFUSED, e.reason());
      assertTrue(e.getMessage().contains("maxMessageBytes 1000"), e.getMessage());
      guest.send("host", "x/1", new byte[1000]);
      LinkException again = assertThrows(LinkException.class, () -> guest.send("host", "x/1", new byte[1]));
      assertEquals(LinkException.Reason.REFUSED, again.reason());
      assertTrue(again.getMessage().contains("MAILBOX_REFUSED") || again.getMessage().contains("already sent"), again.getMessage());
      assertEquals(1000, host.receive("guest", "x/1", Duration.ofSeconds(5)).length);
    }
  }
}
