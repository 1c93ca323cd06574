package io.lianbang.vertical.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.vertical.link.LinkException;
import io.lianbang.vertical.link.LinkLimits;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/**
 * Rules of docs/protocol.md ("Transport (lianbang.vertical.v1)") seen from a party's link: the
 * documented defaults, a peer address answered by the wrong party, a peer of another run, messages
 * queued before a peer was lost, and the rate limit of refusal warnings.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GrpcLinkRulesTest {
  @TempDir static Path dir;
  static Path certs;

  @BeforeAll
  static void certificates() {
    certs = TestParties.certificates(dir.resolve("certs"), List.of("guest", "host", "arbiter"));
  }

  @Test
  void theDocumentedDefaults() {
    GrpcLinkSettings d = GrpcLinkSettings.DEFAULTS;
    assertEquals(Duration.ofSeconds(120), d.sendDeadline());
    assertEquals(Duration.ofSeconds(60), d.startupWindow());
    assertEquals(Duration.ofSeconds(2), d.pingDeadline());
    assertEquals(Duration.ofSeconds(5), d.closeDeadline());
    assertEquals(Duration.ofSeconds(1), d.pingInterval());
    assertEquals(5, d.pingMisses());
    assertEquals(1 << 20, d.chunkBytes());
    assertEquals(Duration.ofSeconds(7), d.livenessWindow(), "pingInterval × pingMisses + pingDeadline");
    assertEquals(LinkLimits.DEFAULTS, d.limits());
  }

  @Test
  void anAddressAnsweredByAnotherPartyLosesThePeer() {
    int guestPort = TestParties.freePort();
    int arbiterPort = TestParties.freePort();
    Map<String, Integer> arbiterPorts = new LinkedHashMap<>();
    arbiterPorts.put("arbiter", arbiterPort);
    arbiterPorts.put("guest", guestPort);
    Map<String, Integer> guestPorts = new LinkedHashMap<>();
    guestPorts.put("guest", guestPort);
    guestPorts.put("host", arbiterPort); // a wrong address: the arbiter listens there
    try (GrpcPartyLink arbiter = TestParties.start(certs, "arbiter", arbiterPorts, "mixed", TestParties.FAST);
         GrpcPartyLink guest = TestParties.start(certs, "guest", guestPorts, "mixed", TestParties.FAST)) {
      LinkException e = assertThrows(LinkException.class, () -> guest.receive("host", "x/0", Duration.ofSeconds(30)));
      assertEquals(LinkException.Reason.PEER_LOST, e.reason());
      assertTrue(e.getMessage().contains("configured as host, answers as party 'arbiter': check the peer addresses"), e.getMessage());
      assertTrue(arbiter.self().equals("arbiter"));
    }
  }

  @Test
  void aPeerOfAnotherRunIsLost() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("guest", TestParties.freePort());
    ports.put("host", TestParties.freePort());
    try (GrpcPartyLink guest = TestParties.start(certs, "guest", ports, "run-a", TestParties.FAST);
         GrpcPartyLink host = TestParties.start(certs, "host", ports, "run-b", TestParties.FAST)) {
      LinkException e = assertThrows(LinkException.class, () -> guest.receive("host", "x/0", Duration.ofSeconds(30)));
      assertEquals(LinkException.Reason.PEER_LOST, e.reason());
      assertTrue(e.getMessage().contains("WRONG_RUN"), e.getMessage());
      LinkException send = assertThrows(LinkException.class, () -> host.send("guest", "y/0", new byte[1]));
      assertEquals(LinkException.Reason.PEER_LOST, send.reason(), send.getMessage());
    }
  }

  @Test
  void messagesQueuedBeforeAPeerIsLostCanStillBeReceived() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("guest", TestParties.freePort());
    ports.put("host", TestParties.freePort());
    try (GrpcPartyLink guest = TestParties.start(certs, "guest", ports, "queued", TestParties.FAST)) {
      GrpcPartyLink host = TestParties.start(certs, "host", ports, "queued", TestParties.FAST);
      guest.send("host", "hello/0", new byte[] {1}); // the guest reaches the host: from now on it is watched by pings
      host.receive("guest", "hello/0", Duration.ofSeconds(5));
      host.send("guest", "early/0", new byte[] {4, 2});
      host.abort(); // a crash: no goodbye
      LinkException e = assertThrows(LinkException.class, () -> guest.receive("host", "late/0", Duration.ofSeconds(30)));
      assertEquals(LinkException.Reason.PEER_LOST, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains("lost host while waiting for late/0"), e.getMessage());
      assertArrayEquals(new byte[] {4, 2}, guest.receive("host", "early/0", Duration.ofSeconds(1)));
    }
  }

  @Test
  void warningsAreLimitedToOneLinePerKeyAndIntervalCountingTheLinesLeftOut() throws Exception {
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    Logger logger = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class}, (proxy, method, args) -> {
      if (method.getName().equals("warn") && args != null && args.length == 1) lines.add((String) args[0]);
      return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
    });
    RateLimitedLog log = new RateLimitedLog(logger, 1500);
    for (int i = 0; i < 5; i++) log.warn("guest WRONG_RUN", "refused guest " + i);
    log.warn("host WRONG_RUN", "refused host");
    assertEquals(List.of("refused guest 0", "refused host"), lines);
    Thread.sleep(1600);
    log.warn("guest WRONG_RUN", "refused guest 5");
    assertEquals("refused guest 5 (4 similar lines left out)", lines.get(2));
  }
}
