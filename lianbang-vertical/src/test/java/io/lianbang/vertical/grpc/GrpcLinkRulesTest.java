package io.lianbang.vertical.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.lianbang.devcerts.DevCertificates;
import io.lianbang.grpc.tls.ServerTls;
import io.lianbang.vertical.link.LinkException;
import io.lianbang.vertical.link.LinkLimits;
import com.google.protobuf.Descriptors;
import io.lianbang.vertical.proto.DeliverAck;
import io.lianbang.vertical.proto.DeliverPart;
import io.lianbang.vertical.proto.MessageHeader;
import io.lianbang.vertical.proto.PingReply;
import io.lianbang.vertical.proto.PingRequest;
import io.lianbang.vertical.proto.VerticalTransportGrpc;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
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
    GrpcPartyLink host = TestParties.start(certs, "host", ports, "queued", TestParties.FAST); // up before the guest dials it
    try (GrpcPartyLink guest = TestParties.start(certs, "guest", ports, "queued", TestParties.FAST)) {
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
  private static Set<String> fields(Descriptors.Descriptor d) {
    return d.getFields().stream().map(Descriptors.FieldDescriptor::getName).collect(Collectors.toSet());
  }

  @Test
  void theServiceAndItsMessagesHaveTheDocumentedFields() {
    assertEquals("lianbang.vertical.v1.VerticalTransport", VerticalTransportGrpc.SERVICE_NAME);
    assertEquals(Set.of("run_id", "incarnation"), fields(PingRequest.getDescriptor()));
    assertEquals(Set.of("party", "run_id", "incarnation"), fields(PingReply.getDescriptor()));
    assertEquals(Set.of("run_id", "tag", "total_bytes", "sender_incarnation", "receiver_incarnation"), fields(MessageHeader.getDescriptor()),
        "no field names the sender");
    assertEquals(Set.of("header", "chunk"), fields(DeliverPart.getDescriptor()));
    assertEquals(1, DeliverPart.getDescriptor().getOneofs().size(), "a part is a header or a chunk");
    assertEquals(Set.of("received_bytes"), fields(DeliverAck.getDescriptor()));
  }

  /** guest and host on 127.0.0.2 (loopback), both with the certificates in {@code dir}; true if the guest reaches the host. */
  private static boolean reachedAt127002(Path dir) {
    int hostPort = TestParties.freePort();
    int guestPort = TestParties.freePort();
    GrpcLinkSettings s = TestParties.FAST.withStartupWindow(Duration.ofMillis(1500));
    try (GrpcPartyLink host = GrpcPartyLink.builder().self("host").listen("127.0.0.2:" + hostPort).peer("guest", "127.0.0.1:" + guestPort)
            .runId("names").tls(TestParties.tls(dir, "host")).settings(s).start();
         GrpcPartyLink guest = GrpcPartyLink.builder().self("guest").listen("127.0.0.1:" + guestPort).peer("host", "127.0.0.2:" + hostPort)
            .runId("names").tls(TestParties.tls(dir, "guest")).settings(s).start()) {
      try {
        guest.send("host", "n/0", new byte[] {1});
        return host.receive("guest", "n/0", Duration.ofSeconds(5)).length == 1;
      } catch (LinkException e) {
        assertEquals(LinkException.Reason.PEER_LOST, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("within the startup window"), e.getMessage());
        return false;
      }
    }
  }

  @Test
  void aServerCertificateMustBeValidForTheAddressPeersDial() {
    Path valid = DevCertificates.generate(dir.resolve("for-127.0.0.2"), List.of("127.0.0.2"), List.of("guest", "host"), Duration.ofDays(1))
        .caCertificate().getParent();
    assertTrue(reachedAt127002(valid), "a server certificate naming 127.0.0.2");
    assertTrue(!reachedAt127002(certs), "a server certificate for localhost and 127.0.0.1 only is refused at 127.0.0.2");
  }

  @Test
  void aCalleeThatDoesNotServeTheCallerIsLost() {
    Map<String, Integer> hostPorts = new LinkedHashMap<>();
    hostPorts.put("host", TestParties.freePort());
    hostPorts.put("guest", TestParties.freePort());
    Map<String, Integer> arbiterPorts = new LinkedHashMap<>();
    arbiterPorts.put("arbiter", TestParties.freePort());
    arbiterPorts.put("host", hostPorts.get("host"));
    try (GrpcPartyLink host = TestParties.start(certs, "host", hostPorts, "peers", TestParties.FAST);
         GrpcPartyLink arbiter = TestParties.start(certs, "arbiter", arbiterPorts, "peers", TestParties.FAST)) {
      LinkException e = assertThrows(LinkException.class, () -> arbiter.receive("host", "x/0", Duration.ofSeconds(30)));
      assertEquals(LinkException.Reason.PEER_LOST, e.reason());
      assertTrue(e.getMessage().contains("NOT_A_PEER"), e.getMessage());
      assertTrue(host.self().equals("host"));
    }
  }

  @Test
  void refusalsOfTheCalleesLimitsAreRefusedAndTheLinkGoesOn() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("guest", TestParties.freePort());
    ports.put("host", TestParties.freePort());
    try (GrpcPartyLink guest = TestParties.start(certs, "guest", ports, "limits", TestParties.FAST);
         GrpcPartyLink host = TestParties.start(certs, "host", ports, "limits", TestParties.FAST.withLimits(new LinkLimits(1000, 16, 8)))) {
      LinkException tag = assertThrows(LinkException.class, () -> guest.send("host", "a-long-tag/0", new byte[1]));
      assertEquals(LinkException.Reason.REFUSED, tag.reason(), tag.getMessage());
      assertTrue(tag.getMessage().contains("INVALID_ARGUMENT") && tag.getMessage().contains("tag must have 1 to 8 characters"), tag.getMessage());
      LinkException big = assertThrows(LinkException.class, () -> guest.send("host", "b/0", new byte[2000]));
      assertEquals(LinkException.Reason.REFUSED, big.reason(), big.getMessage());
      assertTrue(big.getMessage().contains("RESOURCE_EXHAUSTED") && big.getMessage().contains("exceeds maxMessageBytes 1000"), big.getMessage());
      guest.send("host", "c/0", new byte[10]);
      assertEquals(10, host.receive("guest", "c/0", Duration.ofSeconds(5)).length);
    }
  }

  @Test
  void aMessageForARestartedPeerIsRefusedAsStaleAndTheSenderLosesIt() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("guest", TestParties.freePort());
    ports.put("host", TestParties.freePort());
    GrpcLinkSettings slow = TestParties.FAST.withLiveness(Duration.ofSeconds(5), 3, Duration.ofSeconds(1));
    try (GrpcPartyLink guest = TestParties.start(certs, "guest", ports, "stale", slow)) {
      GrpcPartyLink host = TestParties.start(certs, "host", ports, "stale", slow);
      guest.send("host", "m/0", new byte[1]);
      host.receive("guest", "m/0", Duration.ofSeconds(5));
      host.abort();
      // the restarted host is told a wrong guest address, so that its pings do not reach the guest first
      Map<String, Integer> elsewhere = new LinkedHashMap<>(ports);
      elsewhere.put("guest", TestParties.freePort());
      try (GrpcPartyLink restarted = TestParties.start(certs, "host", elsewhere, "stale", slow)) {
        LinkException e = assertThrows(LinkException.class, () -> guest.send("host", "m/1", new byte[1]));
        assertEquals(LinkException.Reason.PEER_LOST, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("STALE_INCARNATION") || e.getMessage().contains("which is now incarnation"), e.getMessage());
        assertEquals(LinkException.Reason.PEER_LOST,
            assertThrows(LinkException.class, () -> guest.receive("host", "m/1", Duration.ofSeconds(30))).reason());
        assertTrue(restarted.self().equals("host"));
      }
    }
  }

  /** A server with the host's certificate that answers the first {@code answeredPings} pings and never acknowledges a delivery. */
  private static Server silentHost(int port, int answeredPings) throws Exception {
    AtomicInteger pings = new AtomicInteger();
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port),
            new ServerTls(certs.resolve("server.pem"), certs.resolve("server-key.pem"), certs.resolve("ca.pem")).credentials())
        .addService(new VerticalTransportGrpc.VerticalTransportImplBase() {
          @Override
          public void ping(PingRequest request, StreamObserver<PingReply> reply) {
            if (pings.incrementAndGet() > answeredPings) return; // never answers
            reply.onNext(PingReply.newBuilder().setParty("host").setRunId(request.getRunId()).setIncarnation("silent-1").build());
            reply.onCompleted();
          }

          @Override
          public StreamObserver<DeliverPart> deliver(StreamObserver<DeliverAck> ack) {
            return new StreamObserver<>() {
              @Override
              public void onNext(DeliverPart value) {}

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {} // and no acknowledgement
            };
          }
        }).build().start();
  }

  @Test
  void aDeliveryNotAcknowledgedWithinTheSendDeadlineLosesThePeer() throws Exception {
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("guest", TestParties.freePort());
    ports.put("host", TestParties.freePort());
    Server fake = silentHost(ports.get("host"), Integer.MAX_VALUE);
    GrpcLinkSettings s = TestParties.FAST.withSendDeadline(Duration.ofMillis(1000));
    try (GrpcPartyLink guest = TestParties.start(certs, "guest", ports, "silent", s)) {
      LinkException e = assertThrows(LinkException.class, () -> guest.send("host", "x/0", new byte[100]));
      assertEquals(LinkException.Reason.PEER_LOST, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains("DEADLINE_EXCEEDED"), e.getMessage());
      LinkException after = assertThrows(LinkException.class, () -> guest.receive("host", "y/0", Duration.ofSeconds(30)));
      assertEquals(LinkException.Reason.PEER_LOST, after.reason());
    } finally {
      fake.shutdownNow();
    }
  }

  @Test
  void pingsThatOutlastThePingDeadlineCountAsMissed() throws Exception {
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("guest", TestParties.freePort());
    ports.put("host", TestParties.freePort());
    Server fake = silentHost(ports.get("host"), 1); // answers once, then holds every ping open
    try (GrpcPartyLink guest = TestParties.start(certs, "guest", ports, "hung", TestParties.FAST)) {
      LinkException e = assertThrows(LinkException.class, () -> guest.receive("host", "x/0", Duration.ofSeconds(45)));
      assertEquals(LinkException.Reason.PEER_LOST, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains("stopped answering: 3 pings in a row failed") && e.getMessage().contains("DEADLINE_EXCEEDED"),
          e.getMessage());
    } finally {
      fake.shutdownNow();
    }
  }
  @Test
  void aLinkWithoutTlsDoesNotStart() {
    GrpcPartyLink.Builder b = GrpcPartyLink.builder().self("guest").listen("127.0.0.1:0").peer("host", "127.0.0.1:1").runId("plain");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::start);
    assertTrue(e.getMessage().contains("tls (ca, certificate and key files) is required"), e.getMessage());
  }
  @Test
  void retriesBackOffDoublingFromFiftyMillisecondsToOneSecond() throws Exception {
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("guest", TestParties.freePort());
    ports.put("host", TestParties.freePort());
    List<Long> pings = Collections.synchronizedList(new ArrayList<>());
    Server busy = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", ports.get("host")),
            new ServerTls(certs.resolve("server.pem"), certs.resolve("server-key.pem"), certs.resolve("ca.pem")).credentials())
        .addService(new VerticalTransportGrpc.VerticalTransportImplBase() {
          @Override
          public void ping(PingRequest request, StreamObserver<PingReply> reply) {
            pings.add(System.nanoTime());
            reply.onError(io.grpc.Status.UNAVAILABLE.withDescription("busy").asRuntimeException()); // no reason: retried
          }
        }).build().start();
    // pings on the liveness timer only once an hour: what the busy host sees are the sender's retries
    GrpcLinkSettings s = TestParties.FAST.withStartupWindow(Duration.ofSeconds(8)).withLiveness(Duration.ofHours(1), 3, Duration.ofMillis(500));
    try (GrpcPartyLink guest = TestParties.start(certs, "guest", ports, "busy", s)) {
      LinkException e = assertThrows(LinkException.class, () -> guest.send("host", "x/0", new byte[1]));
      assertEquals(LinkException.Reason.PEER_LOST, e.reason(), e.getMessage());
      assertTrue(e.getMessage().contains("could not be reached to send x/0 within the startup window"), e.getMessage());
    } finally {
      busy.shutdownNow();
    }
    List<Long> t = new ArrayList<>(pings);
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < t.size(); i++) gaps.add((t.get(i) - t.get(i - 1)) / 1_000_000);
    String seen = t.size() + " pings, gaps " + gaps + " ms";
    // sleeps of 25-50, 50-100, 100-200, 200-400, 400-800, then 500-1000 ms, within the 8 s window less the link's start:
    // about 8 to 16 pings (a fixed 50 ms would give over 100, a fixed 1 s at most 11 whose first three waits take 1.5 s or more)
    assertTrue(t.size() >= 6 && t.size() <= 24, seen);
    assertTrue(gaps.get(0) + gaps.get(1) + gaps.get(2) < 1500, "the first three waits are short: " + seen);
    long longest = gaps.stream().mapToLong(Long::longValue).max().orElse(0);
    assertTrue(longest >= 400 && longest <= 2000, "the waits grow to about 1 s and no further: " + seen);
  }
  @Test
  void eachRefusalOfADeliveryLeavesTheSenderAsTheStatusTableSays() throws Exception {
    Map<TransportRefusal, io.grpc.Status.Code> codes = Map.ofEntries(Map.entry(TransportRefusal.UNAUTHENTICATED, io.grpc.Status.Code.UNAUTHENTICATED),
        Map.entry(TransportRefusal.NOT_A_PEER, io.grpc.Status.Code.PERMISSION_DENIED),
        Map.entry(TransportRefusal.WRONG_RUN, io.grpc.Status.Code.FAILED_PRECONDITION),
        Map.entry(TransportRefusal.PEER_RESTARTED, io.grpc.Status.Code.FAILED_PRECONDITION),
        Map.entry(TransportRefusal.STALE_INCARNATION, io.grpc.Status.Code.FAILED_PRECONDITION),
        Map.entry(TransportRefusal.PEER_LOST, io.grpc.Status.Code.FAILED_PRECONDITION),
        Map.entry(TransportRefusal.MAILBOX_REFUSED, io.grpc.Status.Code.FAILED_PRECONDITION),
        Map.entry(TransportRefusal.INVALID_HEADER, io.grpc.Status.Code.INVALID_ARGUMENT),
        Map.entry(TransportRefusal.PROTOCOL_VIOLATION, io.grpc.Status.Code.INVALID_ARGUMENT),
        Map.entry(TransportRefusal.TOO_LARGE, io.grpc.Status.Code.RESOURCE_EXHAUSTED),
        Map.entry(TransportRefusal.TOO_SLOW, io.grpc.Status.Code.DEADLINE_EXCEEDED),
        Map.entry(TransportRefusal.CLOSING, io.grpc.Status.Code.UNAVAILABLE));
    Set<TransportRefusal> refusedOnly = Set.of(TransportRefusal.MAILBOX_REFUSED, TransportRefusal.INVALID_HEADER,
        TransportRefusal.PROTOCOL_VIOLATION, TransportRefusal.TOO_LARGE);
    assertEquals(Set.of(TransportRefusal.values()), codes.keySet(), "every reason is in the table");
    int hostPort = TestParties.freePort();
    java.util.concurrent.atomic.AtomicReference<TransportRefusal> next = new java.util.concurrent.atomic.AtomicReference<>();
    Server fake = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", hostPort),
            new ServerTls(certs.resolve("server.pem"), certs.resolve("server-key.pem"), certs.resolve("ca.pem")).credentials())
        .addService(new VerticalTransportGrpc.VerticalTransportImplBase() {
          @Override
          public void ping(PingRequest request, StreamObserver<PingReply> reply) {
            reply.onNext(PingReply.newBuilder().setParty("host").setRunId(request.getRunId()).setIncarnation("refusing-1").build());
            reply.onCompleted();
          }

          @Override
          public StreamObserver<DeliverPart> deliver(StreamObserver<DeliverAck> ack) {
            return new StreamObserver<>() {
              private boolean answered;

              @Override
              public void onNext(DeliverPart value) {
                if (answered) return;
                answered = true;
                ack.onError(next.get().refusal("refused by the test"));
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            };
          }
        }).build().start();
    try {
      for (TransportRefusal r : TransportRefusal.values()) {
        assertEquals(codes.get(r), r.code(), r.name());
        next.set(r);
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("guest", TestParties.freePort());
        ports.put("host", hostPort);
        try (GrpcPartyLink guest = TestParties.start(certs, "guest", ports, "refusals", TestParties.FAST)) {
          LinkException e = assertThrows(LinkException.class, () -> guest.send("host", "r/0", new byte[3]), r.name());
          LinkException.Reason expected = refusedOnly.contains(r) ? LinkException.Reason.REFUSED : LinkException.Reason.PEER_LOST;
          assertEquals(expected, e.reason(), r + ": " + e.getMessage());
          assertTrue(e.getMessage().contains("refused by the test"), e.getMessage());
        }
      }
    } finally {
      fake.shutdownNow();
    }
  }
}
