package io.lianbang.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.lianbang.grpc.proto.v1.DownloadRequest;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import io.lianbang.grpc.proto.v1.GetTaskRequest;
import io.lianbang.grpc.proto.v1.HeartbeatRequest;
import io.lianbang.grpc.proto.v1.ProtocolVersion;
import io.lianbang.grpc.proto.v1.RegisterRequest;
import io.lianbang.grpc.proto.v1.RegisterResponse;
import io.lianbang.grpc.proto.v1.TaskRef;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/** Every refusal carries a google.rpc.ErrorInfo naming its reason in the domain lianbang.io. */
class RefusalReasonTest {
  @RegisterExtension final TestChannels net = new TestChannels();

  /** The ErrorInfo of the refusal {@code call} throws, after checking its status code. */
  private static ErrorInfo refused(Status.Code code, Executable call) throws Exception {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), String.valueOf(e.getStatus()));
    com.google.rpc.Status details = StatusProto.fromThrowable(e);
    assertTrue(details != null && details.getDetailsCount() == 1, "one detail in " + e.getStatus());
    Any detail = details.getDetails(0);
    assertTrue(detail.is(ErrorInfo.class), detail.getTypeUrl());
    ErrorInfo info = detail.unpack(ErrorInfo.class);
    assertEquals("lianbang.io", info.getDomain());
    return info;
  }

  @Test
  void refusalsNameTheirReason() throws Exception {
    String name = InProcessServerBuilder.generateName();
    ServerSettings settings = ServerSettings.defaults("reasons").withAllowAnonymous(true);
    try (FederationServer server = FederationServer.start(InProcessServerBuilder.forName(name), settings)) {
      ManagedChannel ch = net.inProcess(name);
      FederationGrpc.FederationBlockingStub stub = FederationGrpc.newBlockingStub(ch);

      assertEquals("UNKNOWN_SESSION", refused(Status.Code.NOT_FOUND, () -> stub.withDeadlineAfter(5, TimeUnit.SECONDS)
          .heartbeat(HeartbeatRequest.newBuilder().setSessionId("no-such-session").build())).getReason());
      assertEquals("UNSUPPORTED_PROTOCOL", refused(Status.Code.FAILED_PRECONDITION, () -> stub.withDeadlineAfter(5, TimeUnit.SECONDS)
          .register(RegisterRequest.newBuilder().setClientName("old").build())).getReason());
      assertEquals("INVALID_CLIENT_NAME", refused(Status.Code.INVALID_ARGUMENT, () -> stub.withDeadlineAfter(5, TimeUnit.SECONDS)
          .register(RegisterRequest.newBuilder().setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1).setClientName("-bad").build()))
          .getReason());

      RegisterResponse session = TestChannels.register(ch, "c0");
      TaskRef.Builder ref = TaskRef.newBuilder().setSessionId(session.getSessionId()).setRunId(server.runId()).setTaskId("r1-fit-00");
      assertEquals("UNKNOWN_TASK", refused(Status.Code.NOT_FOUND, () -> drain(stub.withDeadlineAfter(5, TimeUnit.SECONDS)
          .downloadParameters(DownloadRequest.newBuilder().setTask(ref).build()))).getReason());
      assertEquals("WRONG_RUN", refused(Status.Code.FAILED_PRECONDITION, () -> drain(stub.withDeadlineAfter(5, TimeUnit.SECONDS)
          .downloadParameters(DownloadRequest.newBuilder().setTask(ref.clone().setRunId("another")).build()))).getReason());
      assertEquals("LIMIT_EXCEEDED", refused(Status.Code.INVALID_ARGUMENT, () -> drain(stub.withDeadlineAfter(5, TimeUnit.SECONDS)
          .downloadParameters(DownloadRequest.newBuilder().setTask(ref.clone().setTaskId("t".repeat(129))).build()))).getReason());

      // A poll parked on the session ends when another registration takes the identity.
      Future<?> poll = net.submit(() -> stub.withDeadlineAfter(20, TimeUnit.SECONDS)
          .getTask(GetTaskRequest.newBuilder().setSessionId(session.getSessionId()).setMaxWaitMs(15_000).build()));
      Thread.sleep(200); // the poll is parked (if not yet, it finds the session replaced: UNKNOWN_SESSION below covers that)
      TestChannels.register(ch, "c0");
      ExecutionException e = assertThrows(ExecutionException.class, () -> poll.get(20, TimeUnit.SECONDS));
      StatusRuntimeException ended = assertInstanceOf(StatusRuntimeException.class, e.getCause());
      RefusalReason reason = RefusalReason.of(ended).orElseThrow();
      assertTrue(List.of(RefusalReason.SESSION_REPLACED, RefusalReason.UNKNOWN_SESSION).contains(reason), reason.name());
      assertEquals(reason.code(), ended.getStatus().getCode());
    }
  }

  private static void drain(java.util.Iterator<?> chunks) {
    while (chunks.hasNext()) chunks.next();
  }
}
