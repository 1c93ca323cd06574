package io.lianbang.vertical.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.lianbang.devcerts.DevCertificates;
import io.lianbang.grpc.TestCertificates;
import io.lianbang.grpc.tls.ClientTls;
import io.lianbang.vertical.link.LinkException;
import io.lianbang.vertical.link.LinkLimits;
import io.lianbang.vertical.proto.DeliverAck;
import io.lianbang.vertical.proto.DeliverPart;
import io.lianbang.vertical.proto.MessageHeader;
import io.lianbang.vertical.proto.PingReply;
import io.lianbang.vertical.proto.PingRequest;
import io.lianbang.vertical.proto.VerticalTransportGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a party refuses, called directly with the generated stub so that each call can break one
 * rule: the identity from the certificate, the run id, the incarnation, the announced size, the
 * order and sum of the parts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransportRefusalTest {
  @TempDir static Path dir;
  static Path certs;
  static GrpcPartyLink host;
  static final int MAX_BYTES = 4096;

  @BeforeAll
  static void start() {
    certs = TestParties.certificates(dir.resolve("certs"), List.of("guest", "host", "mallory"));
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("host", TestParties.freePort());
    ports.put("guest", TestParties.freePort()); // never started: the host only answers here
    host = TestParties.start(certs, "host", ports, "run-7", TestParties.FAST.withLimits(new LinkLimits(MAX_BYTES, 16, 32)));
  }

  @AfterAll
  static void stop() {
    host.close();
  }

  private static ManagedChannel channel(Path ca, Path certificate, Path key) {
    return Grpc.newChannelBuilderForAddress("127.0.0.1", host.port(), new ClientTls(ca, certificate, key).credentials()).build();
  }

  private static ManagedChannel as(String party) {
    return channel(certs.resolve("ca.pem"), certs.resolve("client-" + party + ".pem"), certs.resolve("client-" + party + "-key.pem"));
  }

  private static PingReply ping(ManagedChannel c, String runId, String incarnation) {
    return VerticalTransportGrpc.newBlockingStub(c).withDeadlineAfter(5, TimeUnit.SECONDS)
        .ping(PingRequest.newBuilder().setRunId(runId).setIncarnation(incarnation).build());
  }

  /** Sends {@code parts} in one Deliver call and returns its outcome. */
  private static StatusRuntimeException deliverFails(ManagedChannel c, List<DeliverPart> parts) throws Exception {
    CompletableFuture<DeliverAck> result = new CompletableFuture<>();
    StreamObserver<DeliverPart> requests = VerticalTransportGrpc.newStub(c).withDeadlineAfter(5, TimeUnit.SECONDS)
        .deliver(new StreamObserver<>() {
          @Override
          public void onNext(DeliverAck value) {
            result.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    for (DeliverPart p : parts) requests.onNext(p);
    requests.onCompleted();
    ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(10, TimeUnit.SECONDS));
    return (StatusRuntimeException) e.getCause();
  }

  private static DeliverPart header(String runId, String tag, long total, String receiverIncarnation) {
    return DeliverPart.newBuilder().setHeader(MessageHeader.newBuilder().setRunId(runId).setTag(tag).setTotalBytes(total)
        .setSenderIncarnation("guest-incarnation-1").setReceiverIncarnation(receiverIncarnation)).build();
  }

  private static DeliverPart chunk(int n) {
    return DeliverPart.newBuilder().setChunk(ByteString.copyFrom(new byte[n])).build();
  }

  private static void assertRefusal(StatusRuntimeException e, Status.Code code, TransportRefusal reason, String field, String text) {
    assertEquals(code, e.getStatus().getCode(), e.toString());
    assertEquals(reason, TransportRefusal.of(e).orElse(null), e.toString());
    if (field != null) assertEquals(field, TransportRefusal.field(e).orElse(null), e.toString());
    assertTrue(e.getStatus().getDescription().contains(text), e.getStatus().getDescription());
  }

  @Test
  void aConfiguredPeerIsAnsweredWithTheCalleesNameRunAndIncarnation() {
    ManagedChannel c = as("guest");
    try {
      PingReply r = ping(c, "run-7", "guest-incarnation-1");
      assertEquals("host", r.getParty());
      assertEquals("run-7", r.getRunId());
      assertEquals(host.incarnation(), r.getIncarnation());
      assertEquals(32, r.getIncarnation().length(), "16 random bytes in hex");
    } finally {
      c.shutdownNow();
    }
  }

  @Test
  void aCertificateOfAnotherPartyIsRefused() {
    ManagedChannel c = as("mallory"); // signed by the same CA, but mallory is not a peer of the host
    try {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ping(c, "run-7", "m-1"));
      assertRefusal(e, Status.Code.PERMISSION_DENIED, TransportRefusal.NOT_A_PEER, "certificate CN", "party 'mallory'");
    } finally {
      c.shutdownNow();
    }
  }

  @Test
  void aCertificateFromAnotherAuthorityFailsTheHandshake() {
    Path other = DevCertificates.generate(dir.resolve("other-ca"), List.of("localhost"), List.of("guest"), Duration.ofDays(1))
        .caCertificate().getParent();
    // the other CA's "guest" trusts the host's server certificate, but the host does not trust it
    ManagedChannel c = channel(certs.resolve("ca.pem"), other.resolve("client-guest.pem"), other.resolve("client-guest-key.pem"));
    try {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ping(c, "run-7", "g-1"));
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
      assertTrue(TransportRefusal.of(e).isEmpty(), "refused by TLS, before any handler");
    } finally {
      c.shutdownNow();
    }
  }

  @Test
  void aForeignRunIdIsRefusedNamingIt() throws Exception {
    ManagedChannel c = as("guest");
    try {
      StatusRuntimeException ping = assertThrows(StatusRuntimeException.class, () -> ping(c, "run-8", "guest-incarnation-1"));
      assertRefusal(ping, Status.Code.FAILED_PRECONDITION, TransportRefusal.WRONG_RUN, "run_id", "run_id 'run-8'");
      StatusRuntimeException deliver = deliverFails(c, List.of(header("run-8", "t/0", 1, host.incarnation()), chunk(1)));
      assertRefusal(deliver, Status.Code.FAILED_PRECONDITION, TransportRefusal.WRONG_RUN, "run_id", "run_id 'run-8'");
    } finally {
      c.shutdownNow();
    }
  }

  @Test
  void anOversizedAnnouncementIsRefusedNamingTheField() throws Exception {
    ManagedChannel c = as("guest");
    try {
      StatusRuntimeException e = deliverFails(c, List.of(header("run-7", "big/0", MAX_BYTES + 1L, host.incarnation())));
      assertRefusal(e, Status.Code.RESOURCE_EXHAUSTED, TransportRefusal.TOO_LARGE, "total_bytes",
          "total_bytes " + (MAX_BYTES + 1) + " of big/0 exceeds maxMessageBytes " + MAX_BYTES);
      StatusRuntimeException huge = deliverFails(c, List.of(header("run-7", "big/1", Long.MAX_VALUE, host.incarnation())));
      assertRefusal(huge, Status.Code.RESOURCE_EXHAUSTED, TransportRefusal.TOO_LARGE, "total_bytes", "exceeds maxMessageBytes");
    } finally {
      c.shutdownNow();
    }
  }

  @Test
  void partsThatDoNotAddUpAreRefused() throws Exception {
    ManagedChannel c = as("guest");
    try {
      String inc = host.incarnation();
      assertRefusal(deliverFails(c, List.of(header("run-7", "a/0", 10, inc), chunk(11))), Status.Code.INVALID_ARGUMENT,
          TransportRefusal.PROTOCOL_VIOLATION, "total_bytes", "more than total_bytes 10");
      assertRefusal(deliverFails(c, List.of(header("run-7", "a/1", 10, inc), chunk(9))), Status.Code.INVALID_ARGUMENT,
          TransportRefusal.PROTOCOL_VIOLATION, "total_bytes", "fewer than total_bytes 10");
      assertRefusal(deliverFails(c, List.of(chunk(3))), Status.Code.INVALID_ARGUMENT, TransportRefusal.PROTOCOL_VIOLATION, "chunk",
          "a chunk before the header");
      assertRefusal(deliverFails(c, List.of(header("run-7", "a/2", 0, inc), header("run-7", "a/3", 0, inc))),
          Status.Code.INVALID_ARGUMENT, TransportRefusal.PROTOCOL_VIOLATION, "header", "a second header");
      assertRefusal(deliverFails(c, List.of(header("run-7", "x".repeat(33), 1, inc), chunk(1))), Status.Code.INVALID_ARGUMENT,
          TransportRefusal.INVALID_HEADER, "tag", "tag must have 1 to 32 characters, got 33");
      assertRefusal(deliverFails(c, List.of(header("run-7", "a/4", -1, inc))), Status.Code.INVALID_ARGUMENT,
          TransportRefusal.INVALID_HEADER, "total_bytes", "total_bytes must be >= 0, got -1");
      assertRefusal(deliverFails(c, List.of(header("run-7", "a/5", 10, inc), chunk((1 << 20) + 1))), Status.Code.INVALID_ARGUMENT,
          TransportRefusal.PROTOCOL_VIOLATION, "chunk", "a chunk of 1048577 bytes, more than 1048576");
    } finally {
      c.shutdownNow();
    }
  }

  @Test
  void aDeliveryThatStallsIsEndedAtTheReceiversSendDeadline() throws Exception {
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("host", TestParties.freePort());
    ports.put("guest", TestParties.freePort());
    try (GrpcPartyLink strict = TestParties.start(certs, "host", ports, "run-9", TestParties.FAST.withSendDeadline(Duration.ofMillis(500)))) {
      ManagedChannel c = Grpc.newChannelBuilderForAddress("127.0.0.1", strict.port(), new ClientTls(certs.resolve("ca.pem"),
          certs.resolve("client-guest.pem"), certs.resolve("client-guest-key.pem")).credentials()).build();
      try {
        CompletableFuture<DeliverAck> result = new CompletableFuture<>();
        StreamObserver<DeliverPart> requests = VerticalTransportGrpc.newStub(c).withDeadlineAfter(30, TimeUnit.SECONDS)
            .deliver(new StreamObserver<>() {
              @Override
              public void onNext(DeliverAck value) {
                result.complete(value);
              }

              @Override
              public void onError(Throwable t) {
                result.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {}
            });
        requests.onNext(DeliverPart.newBuilder().setHeader(MessageHeader.newBuilder().setRunId("run-9").setTag("slow/0").setTotalBytes(100)
            .setSenderIncarnation("g-1").setReceiverIncarnation(strict.incarnation())).build());
        requests.onNext(chunk(10)); // then nothing: 90 bytes never come, and the caller's own deadline is 30 s
        ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(10, TimeUnit.SECONDS));
        assertRefusal((StatusRuntimeException) e.getCause(), Status.Code.DEADLINE_EXCEEDED, TransportRefusal.TOO_SLOW, null,
            "did not finish within 500 ms");
        requests.onError(new RuntimeException("done"));
      } finally {
        c.shutdownNow();
      }
    }
  }

  @Test
  void aMessageForAnEarlierIncarnationIsRefused() throws Exception {
    ManagedChannel c = as("guest");
    try {
      StatusRuntimeException e = deliverFails(c, List.of(header("run-7", "s/0", 1, "0123456789abcdef"), chunk(1)));
      assertRefusal(e, Status.Code.FAILED_PRECONDITION, TransportRefusal.STALE_INCARNATION, "receiver_incarnation",
          "incarnation '0123456789abcdef' of host");
    } finally {
      c.shutdownNow();
    }
  }
  @Test
  void aSenderIncarnationOutOfBoundsIsRefused() throws Exception {
    ManagedChannel c = as("guest");
    try {
      String inc = host.incarnation();
      for (String bad : List.of("", "i".repeat(65))) {
        DeliverPart h = DeliverPart.newBuilder().setHeader(MessageHeader.newBuilder().setRunId("run-7").setTag("inc/0").setTotalBytes(1)
            .setSenderIncarnation(bad).setReceiverIncarnation(inc)).build();
        assertRefusal(deliverFails(c, List.of(h, chunk(1))), Status.Code.INVALID_ARGUMENT, TransportRefusal.INVALID_HEADER, "incarnation",
            "the incarnation must have 1 to 64 characters, got " + bad.length());
        StatusRuntimeException p = assertThrows(StatusRuntimeException.class, () -> ping(c, "run-7", bad));
        assertRefusal(p, Status.Code.INVALID_ARGUMENT, TransportRefusal.INVALID_HEADER, "incarnation", "1 to 64 characters");
      }
    } finally {
      c.shutdownNow();
    }
  }

  /** A link for "host" of run {@code runId} on a fresh port, whose only peer "guest" is never started. */
  private static GrpcPartyLink freshHost(String runId, LinkLimits limits) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    ports.put("host", TestParties.freePort());
    ports.put("guest", TestParties.freePort());
    return TestParties.start(certs, "host", ports, runId, TestParties.FAST.withLimits(limits));
  }

  private static ManagedChannel asGuest(GrpcPartyLink to) {
    return Grpc.newChannelBuilderForAddress("127.0.0.1", to.port(), new ClientTls(certs.resolve("ca.pem"), certs.resolve("client-guest.pem"),
        certs.resolve("client-guest-key.pem")).credentials()).build();
  }

  private static DeliverPart header(String runId, String tag, long total, String senderIncarnation, String receiverIncarnation) {
    return DeliverPart.newBuilder().setHeader(MessageHeader.newBuilder().setRunId(runId).setTag(tag).setTotalBytes(total)
        .setSenderIncarnation(senderIncarnation).setReceiverIncarnation(receiverIncarnation)).build();
  }

  /** Sends {@code parts} in one Deliver call and returns the acknowledgement. */
  private static DeliverAck delivered(ManagedChannel c, List<DeliverPart> parts) throws Exception {
    CompletableFuture<DeliverAck> result = new CompletableFuture<>();
    StreamObserver<DeliverPart> requests = VerticalTransportGrpc.newStub(c).withDeadlineAfter(5, TimeUnit.SECONDS)
        .deliver(new StreamObserver<>() {
          @Override
          public void onNext(DeliverAck value) {
            result.complete(value);
          }

          @Override
          public void onError(Throwable t) {
            result.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {}
        });
    for (DeliverPart p : parts) requests.onNext(p);
    requests.onCompleted();
    return result.get(10, TimeUnit.SECONDS);
  }

  @Test
  void theMailboxRefusesARepeatedTagAndTooManyQueuedMessages() throws Exception {
    try (GrpcPartyLink fresh = freshHost("run-10", new LinkLimits(4096, 2, 32))) {
      ManagedChannel c = asGuest(fresh);
      try {
        String inc = fresh.incarnation();
        assertEquals(3, delivered(c, List.of(header("run-10", "t/0", 3, "g-1", inc), chunk(3))).getReceivedBytes());
        assertRefusal(deliverFails(c, List.of(header("run-10", "t/0", 3, "g-1", inc), chunk(3))), Status.Code.FAILED_PRECONDITION,
            TransportRefusal.MAILBOX_REFUSED, "tag", "tag t/0 from guest was already sent");
        assertEquals(0, delivered(c, List.of(header("run-10", "t/1", 0, "g-1", inc))).getReceivedBytes());
        assertRefusal(deliverFails(c, List.of(header("run-10", "t/2", 1, "g-1", inc), chunk(1))), Status.Code.FAILED_PRECONDITION,
            TransportRefusal.MAILBOX_REFUSED, "tag", "2 messages queued");
        assertEquals(3, fresh.receive("guest", "t/0", Duration.ofSeconds(5)).length);
        assertEquals(1, delivered(c, List.of(header("run-10", "t/2", 1, "g-1", inc), chunk(1))).getReceivedBytes());
      } finally {
        c.shutdownNow();
      }
    }
  }

  @Test
  void aNewIncarnationIsAdoptedBeforeAnyMessageAndRefusedAsARestartAfterOne() throws Exception {
    try (GrpcPartyLink fresh = freshHost("run-11", LinkLimits.DEFAULTS)) {
      ManagedChannel c = asGuest(fresh);
      try {
        String inc = fresh.incarnation();
        ping(c, "run-11", "guest-a");
        ping(c, "run-11", "guest-b"); // no message exchanged yet: the new incarnation is adopted
        assertEquals(1, delivered(c, List.of(header("run-11", "m/0", 1, "guest-b", inc), chunk(1))).getReceivedBytes());
        StatusRuntimeException restarted = assertThrows(StatusRuntimeException.class, () -> ping(c, "run-11", "guest-c"));
        assertRefusal(restarted, Status.Code.FAILED_PRECONDITION, TransportRefusal.PEER_RESTARTED, "incarnation",
            "restarted in the middle of the run");
        // the callee lost the caller: even its earlier incarnation is refused now, and a receive from it fails at once
        assertRefusal(deliverFails(c, List.of(header("run-11", "m/1", 1, "guest-b", inc), chunk(1))), Status.Code.FAILED_PRECONDITION,
            TransportRefusal.PEER_LOST, null, "already lost guest");
        LinkException e = assertThrows(LinkException.class, () -> fresh.receive("guest", "m/1", Duration.ofSeconds(30)));
        assertEquals(LinkException.Reason.PEER_LOST, e.reason());
        assertTrue(e.getMessage().contains("restart every party with the same command"), e.getMessage());
        // what arrived before the loss can still be received
        assertEquals(1, fresh.receive("guest", "m/0", Duration.ofSeconds(5)).length);
      } finally {
        c.shutdownNow();
      }
    }
  }

  @Test
  void grpcItselfRefusesAnOversizedMessageAndOversizedMetadata() throws Exception {
    ManagedChannel c = as("guest");
    try {
      String inc = host.incarnation();
      StatusRuntimeException big = deliverFails(c, List.of(header("run-7", "g/0", 10, inc), chunk((1 << 20) + (64 << 10) + 1)));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, big.getStatus().getCode(), big.toString());
      assertTrue(TransportRefusal.of(big).isEmpty(), "refused by gRPC, before the service: " + big);

      Metadata.Key<String> key = Metadata.Key.of("x-padding", Metadata.ASCII_STRING_MARSHALLER);
      Metadata small = new Metadata();
      small.put(key, "p".repeat(1 << 10));
      PingReply ok = VerticalTransportGrpc.newBlockingStub(c).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(small))
          .withDeadlineAfter(5, TimeUnit.SECONDS).ping(PingRequest.newBuilder().setRunId("run-7").setIncarnation("guest-incarnation-1").build());
      assertEquals("host", ok.getParty());
      Metadata large = new Metadata();
      large.put(key, "p".repeat(17 << 10));
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> VerticalTransportGrpc.newBlockingStub(c)
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(large)).withDeadlineAfter(5, TimeUnit.SECONDS)
          .ping(PingRequest.newBuilder().setRunId("run-7").setIncarnation("guest-incarnation-1").build()));
      assertTrue(e.getStatus().getCode() != Status.Code.DEADLINE_EXCEEDED, "refused, not left waiting: " + e);
      assertTrue(TransportRefusal.of(e).isEmpty(), "refused by gRPC, before the service: " + e);
    } finally {
      c.shutdownNow();
    }
  }
  @Test
  void theChecksComeInTheDocumentedOrder() throws Exception {
    ManagedChannel c = as("guest");
    try {
      String inc = host.incarnation();
      String longTag = "x".repeat(33);
      // run_id before receiver_incarnation before sender_incarnation before tag before total_bytes
      assertRefusal(deliverFails(c, List.of(header("run-8", longTag, -1, "", "stale"))), Status.Code.FAILED_PRECONDITION,
          TransportRefusal.WRONG_RUN, "run_id", "run_id 'run-8'");
      assertRefusal(deliverFails(c, List.of(header("run-7", longTag, -1, "", "stale"))), Status.Code.FAILED_PRECONDITION,
          TransportRefusal.STALE_INCARNATION, "receiver_incarnation", "incarnation 'stale'");
      assertRefusal(deliverFails(c, List.of(header("run-7", longTag, -1, "", inc))), Status.Code.INVALID_ARGUMENT,
          TransportRefusal.INVALID_HEADER, "incarnation", "the incarnation must have 1 to 64 characters");
      assertRefusal(deliverFails(c, List.of(header("run-7", longTag, MAX_BYTES + 1L, "guest-incarnation-1", inc))),
          Status.Code.INVALID_ARGUMENT, TransportRefusal.INVALID_HEADER, "tag", "tag must have 1 to 32 characters");
      assertRefusal(deliverFails(c, List.of(header("run-7", "o/0", MAX_BYTES + 1L, "guest-incarnation-1", inc), chunk(MAX_BYTES + 1))),
          Status.Code.RESOURCE_EXHAUSTED, TransportRefusal.TOO_LARGE, "total_bytes", "exceeds maxMessageBytes");
    } finally {
      c.shutdownNow();
    }
  }

  @Test
  void aClosingCalleeRefusesDeliveries() throws Exception {
    try (GrpcPartyLink fresh = freshHost("run-12", LinkLimits.DEFAULTS)) {
      ManagedChannel c = asGuest(fresh);
      try {
        fresh.mailbox().close(); // the first step of close(): nothing more is taken in
        assertRefusal(deliverFails(c, List.of(header("run-12", "c/0", 1, "g-1", fresh.incarnation()), chunk(1))), Status.Code.UNAVAILABLE,
            TransportRefusal.CLOSING, "tag", "closed");
      } finally {
        c.shutdownNow();
      }
    }
  }

  @Test
  void aCertificateWithSeveralCommonNamesIsUnauthenticated() {
    for (String subject : List.of("CN=guest,CN=mallory", "CN=mallory+CN=guest")) {
      String name = subject.contains("+") ? "multi" : "two";
      TestCertificates.signClient(certs, subject, name);
      ManagedChannel c = channel(certs.resolve("ca.pem"), certs.resolve(name + ".pem"), certs.resolve(name + "-key.pem"));
      try {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ping(c, "run-7", "g-1"), subject);
        assertRefusal(e, Status.Code.UNAUTHENTICATED, TransportRefusal.UNAUTHENTICATED, null, "2 common names");
      } finally {
        c.shutdownNow();
      }
    }
  }

  @Test
  void aClientWithoutACertificateFailsTheHandshake() throws Exception {
    ManagedChannel c = Grpc.newChannelBuilderForAddress("127.0.0.1", host.port(),
        io.grpc.TlsChannelCredentials.newBuilder().trustManager(certs.resolve("ca.pem").toFile()).build()).build();
    try {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ping(c, "run-7", "g-1"));
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.toString());
      assertTrue(TransportRefusal.of(e).isEmpty(), "refused by TLS, before any handler: " + e);
    } finally {
      c.shutdownNow();
    }
  }

  @Test
  void aConnectionCarriesAtMostSixteenConcurrentCalls() throws Exception {
    try (GrpcPartyLink fresh = freshHost("run-13", LinkLimits.DEFAULTS)) {
      ManagedChannel c = asGuest(fresh);
      List<StreamObserver<DeliverPart>> open = new ArrayList<>();
      try {
        ping(c, "run-13", "g-1"); // the connection is up and its settings are known
        for (int i = 0; i < 16; i++) {
          StreamObserver<DeliverPart> requests = VerticalTransportGrpc.newStub(c).withDeadlineAfter(30, TimeUnit.SECONDS)
              .deliver(new StreamObserver<>() {
                @Override
                public void onNext(DeliverAck value) {}

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {}
              });
          requests.onNext(header("run-13", "open/" + i, 10, "g-1", fresh.incarnation()));
          open.add(requests);
        }
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> VerticalTransportGrpc.newBlockingStub(c)
            .withDeadlineAfter(1500, TimeUnit.MILLISECONDS).ping(PingRequest.newBuilder().setRunId("run-13").setIncarnation("g-1").build()));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(), "a 17th call waits for a free slot: " + e);
        ManagedChannel other = asGuest(fresh); // the limit is per connection: another one is served at once
        try {
          assertEquals("host", ping(other, "run-13", "g-1").getParty());
        } finally {
          other.shutdownNow();
        }
      } finally {
        for (StreamObserver<DeliverPart> o : open) o.onError(new RuntimeException("cancelled by the test"));
        c.shutdownNow();
      }
    }
  }
  @Test
  void aRefusalCarriesItsReasonFieldAndValueInLianbangsDomain() {
    ManagedChannel c = as("guest");
    try {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ping(c, "run-8", "guest-incarnation-1"));
      com.google.rpc.Status status = io.grpc.protobuf.StatusProto.fromThrowable(e);
      List<com.google.rpc.ErrorInfo> infos = new ArrayList<>();
      for (com.google.protobuf.Any detail : status.getDetailsList()) {
        if (detail.is(com.google.rpc.ErrorInfo.class)) {
          try {
            infos.add(detail.unpack(com.google.rpc.ErrorInfo.class));
          } catch (com.google.protobuf.InvalidProtocolBufferException x) {
            throw new AssertionError(x);
          }
        }
      }
      assertEquals(1, infos.size(), status.toString());
      assertEquals("lianbang.io", infos.get(0).getDomain());
      assertEquals("WRONG_RUN", infos.get(0).getReason());
      assertEquals(Map.of("field", "run_id", "value", "run-8"), infos.get(0).getMetadataMap());
      assertTrue(e.getStatus().getDescription().contains("run_id 'run-8'"), e.getStatus().getDescription());
    } finally {
      c.shutdownNow();
    }
  }
}
