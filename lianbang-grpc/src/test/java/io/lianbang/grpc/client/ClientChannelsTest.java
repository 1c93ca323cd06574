package io.lianbang.grpc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.FitTask;
import io.lianbang.grpc.TestChannels;
import io.lianbang.grpc.TestClients;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import io.lianbang.grpc.proto.v1.GetTaskRequest;
import io.lianbang.grpc.proto.v1.RegisterResponse;
import io.lianbang.grpc.proto.v1.Task;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * docs/protocol.md, "Byte format (version 1)": a whole message must fit in one gRPC message, which
 * a Java client's channel ({@link ClientChannels#open}) accepts up to 16 MiB (the largest
 * {@code max_chunk_bytes}) plus 64 KiB. The server sends a task larger or smaller than that over
 * loopback.
 */
class ClientChannelsTest {
  private static final int LIMIT = (16 << 20) + (64 << 10);
  @RegisterExtension final TestChannels net = new TestChannels();

  /** Gives {@code name} a fit task whose configuration holds a string of {@code chars} and polls it. */
  private static Task poll(FederationServer server, ManagedChannel ch, String name, int chars) {
    RegisterResponse session = TestChannels.register(ch, name);
    server.clients().get(name).orElseThrow().fit(new FitTask(1, TestClients.initial(), Config.of(Map.of("padding", "x".repeat(chars))), 7),
        Instant.now().plusSeconds(60));
    return FederationGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS)
        .getTask(GetTaskRequest.newBuilder().setSessionId(session.getSessionId()).setMaxWaitMs(5000).build());
  }

  @Test
  void aMessageUpTo16MiBAnd64KiBIsAcceptedAndALargerOneRefused() {
    ServerSettings settings = ServerSettings.defaults("client-inbound").withAllowAnonymous(true);
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).settings(settings).start()) {
      Task within = poll(server, net.loopback(server.port()), "within", LIMIT - 4096);
      assertTrue(within.hasFit(), within.getKindCase().toString());
      assertTrue(within.getSerializedSize() > LIMIT - 4096, "the task is as large as meant: " + within.getSerializedSize());

      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> poll(server, net.loopback(server.port()), "beyond", LIMIT + 1));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.toString());
    }
  }
}
