package io.lianbang.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessServerBuilder;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.FitTask;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import io.lianbang.grpc.proto.v1.GetTaskRequest;
import io.lianbang.grpc.proto.v1.ProtocolVersion;
import io.lianbang.grpc.proto.v1.RegisterRequest;
import io.lianbang.grpc.proto.v1.RegisterResponse;
import io.lianbang.grpc.proto.v1.Task;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a registration gives a client, as docs/protocol.md states it: the server's defaults
 * (5 s heartbeats, chunks of 1 MiB, at most 16 MiB, polls capped at 20 s), session and task ids of
 * 128 and 96 random bits, and a server that ignores fields it does not know.
 */
class RegistrationTest {
  @RegisterExtension final TestChannels net = new TestChannels();

  @Test
  void theResponseCarriesTheDefaultsAndTheChunkLimitIsBounded() {
    ServerSettings defaults = ServerSettings.defaults("defaults");
    assertEquals(Duration.ofSeconds(20), defaults.maxPoll());
    assertEquals(1 << 20, defaults.maxChunkBytes());
    assertEquals(16 << 20, defaults.withMaxChunkBytes(16 << 20).maxChunkBytes());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> defaults.withMaxChunkBytes((16 << 20) + 1));
    assertEquals("maxChunkBytes must be in [4096, 16777216], got 16777217", e.getMessage());

    String name = InProcessServerBuilder.generateName();
    try (FederationServer server = FederationServer.start(InProcessServerBuilder.forName(name), defaults.withAllowAnonymous(true))) {
      RegisterResponse r = TestChannels.register(net.inProcess(name), "a");
      assertEquals(5000, r.getHeartbeatIntervalMs());
      assertEquals(1 << 20, r.getMaxChunkBytes());
      assertEquals("defaults", r.getRunId());
      assertEquals("a", r.getClientId());
    }
  }

  @Test
  void sessionAndTaskIdsAreRandomHexOf128And96Bits() throws Exception {
    String name = InProcessServerBuilder.generateName();
    try (FederationServer server = FederationServer.start(InProcessServerBuilder.forName(name),
        ServerSettings.defaults("ids").withAllowAnonymous(true))) {
      ManagedChannel ch = net.inProcess(name);
      RegisterResponse first = TestChannels.register(ch, "a");
      RegisterResponse second = TestChannels.register(ch, "a");
      for (RegisterResponse r : List.of(first, second)) {
        assertTrue(r.getSessionId().matches("[0-9a-f]{32}"), "128 bits in hex: " + r.getSessionId());
      }
      assertNotEquals(first.getSessionId(), second.getSessionId());
      String[] tasks = new String[2];
      for (int i = 0; i < 2; i++) {
        var fit = server.clients().get("a").orElseThrow()
            .fit(new FitTask(3, TestClients.initial(), Config.empty(), 7), Instant.now().plusSeconds(60));
        Task t = FederationGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
            .getTask(GetTaskRequest.newBuilder().setSessionId(second.getSessionId()).setMaxWaitMs(5000).build());
        tasks[i] = t.getTaskId();
        assertTrue(tasks[i].matches("r3-fit-[0-9a-f]{24}"), "96 bits in hex: " + tasks[i]);
        fit.cancel(false);
      }
      assertNotEquals(tasks[0], tasks[1]);
    }
  }

  @Test
  void fieldsTheServerDoesNotKnowAreIgnored() throws Exception {
    String name = InProcessServerBuilder.generateName();
    try (FederationServer server = FederationServer.start(InProcessServerBuilder.forName(name),
        ServerSettings.defaults("future").withAllowAnonymous(true))) {
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.write(RegisterRequest.newBuilder().setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1).setClientName("newer")
          .build().toByteArray());
      // field 999, wire type 2 (length-delimited): tag varint 0xBA 0x3E, length 3, "abc"; then field 1000 as a varint
      request.write(new byte[] {(byte) 0xBA, 0x3E, 3, 'a', 'b', 'c', (byte) 0xC0, 0x3E, 42});
      RawCalls.Outcome o = RawCalls.call(net.inProcess(name), "Register", List.of(request.toByteArray()));
      assertTrue(o.status().isOk(), o.status().toString());
      assertEquals("newer", RegisterResponse.parseFrom(o.responses().get(0)).getClientId());
    }
  }

  @Test
  void aCompositeCodecIsUsedOnlyWithBothItsPartsDeclared() throws Exception {
    String name = InProcessServerBuilder.generateName();
    try (FederationServer server = FederationServer.start(InProcessServerBuilder.forName(name),
        ServerSettings.defaults("codecs").withAllowAnonymous(true))) {
      ManagedChannel ch = net.inProcess(name);
      io.lianbang.core.compress.Transfer topkInt8 = new io.lianbang.core.compress.Transfer(
          io.lianbang.core.compress.Codecs.create("topk+int8", java.util.Map.of("count", 2.0)), false, null);
      List<List<String>> declarations = List.of(List.of("topk"), List.of("int8"), List.of("topk+int8"), List.of("int8", "topk"));
      List<Boolean> asked = new java.util.ArrayList<>();
      for (List<String> codecs : declarations) {
        RegisterResponse r = FederationGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS).register(RegisterRequest.newBuilder()
            .setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1).setClientName("c").addAllCodecs(codecs).build());
        var fit = server.clients().get("c").orElseThrow()
            .fit(new FitTask(1, TestClients.initial(), Config.empty(), 7, topkInt8), Instant.now().plusSeconds(60));
        Task t = FederationGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
            .getTask(GetTaskRequest.newBuilder().setSessionId(r.getSessionId()).setMaxWaitMs(5000).build());
        assertTrue(t.hasFit(), t.getKindCase().toString());
        asked.add(t.getFit().hasUploadEncoding());
        if (t.getFit().hasUploadEncoding()) assertEquals("topk+int8", t.getFit().getUploadEncoding().getCodec());
        fit.cancel(false);
      }
      // "topk+int8" itself is not a name a client declares: it declares the parts
      assertEquals(List.of(false, false, false, true), asked);
    }
  }
}
