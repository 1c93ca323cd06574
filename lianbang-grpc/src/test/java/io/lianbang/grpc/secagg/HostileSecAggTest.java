package io.lianbang.grpc.secagg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.ManagedChannel;
import io.lianbang.grpc.RefusalReason;
import io.lianbang.grpc.RogueSession;
import io.lianbang.grpc.TestChannels;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import io.lianbang.grpc.proto.v1.GetTaskRequest;
import io.lianbang.grpc.proto.v1.RegisterResponse;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import io.lianbang.privacy.secagg.SecAggException;
import io.lianbang.grpc.proto.v1.DownloadRequest;
import io.lianbang.grpc.proto.v1.SecAggReply;
import io.lianbang.grpc.proto.v1.Task;
import io.lianbang.grpc.proto.v1.TaskError;
import io.lianbang.grpc.proto.v1.TaskRef;
import io.lianbang.privacy.secagg.SecAggCodec;
import io.lianbang.privacy.secagg.SecAggMessage;
import io.lianbang.privacy.secagg.SecAggMessage.PublicKeys;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A registered client answers secure-aggregation stages with hostile replies. Each is refused
 * with a status naming the problem, and the stage's future fails, so the participant counts as
 * dropped instead of corrupting the protocol. A reported error, a reply too large for the
 * transport and a client that ignores the stage's task kind are judged as protocol.md says.
 */
class HostileSecAggTest {
  private static final int ROUND = 4;

  @RegisterExtension final TestChannels net = new TestChannels();
  private RogueSession rogue;

  @BeforeEach
  void start() {
    rogue = RogueSession.start("hostile-secagg");
  }

  @AfterEach
  void stop() {
    rogue.close();
  }

  /** Sends a Setup for participant 1 to the rogue client and returns the task it polls. */
  private CompletableFuture<SecAggMessage> setup(Task[] task) {
    SecAggMessage.Setup s = new SecAggMessage.Setup(ROUND, List.of("honest", "rogue"), 1, List.of(0), 1, 1.0, 32, 100, 10);
    CompletableFuture<SecAggMessage> f = rogue.server.secAggTransport().send("rogue", s, Instant.now().plusSeconds(10));
    task[0] = rogue.nextTask();
    assertTrue(task[0].hasSecagg(), task[0].toString());
    assertEquals(s, SecAggCodec.decode(task[0].getSecagg().getMessage().toByteArray()));
    return f;
  }

  private TaskRef ref(Task t) {
    return TaskRef.newBuilder().setSessionId(rogue.session.getSessionId()).setRunId(t.getRunId()).setRound(t.getRound())
        .setTaskId(t.getTaskId()).build();
  }

  private static byte[] keys(int round, int from) {
    return SecAggCodec.encode(new PublicKeys(round, from, new byte[32], new byte[32]));
  }

  private Status reply(Task t, byte[] message) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> rogue.stub.withDeadlineAfter(5, TimeUnit.SECONDS)
        .submitSecAgg(SecAggReply.newBuilder().setTask(ref(t)).setMessage(ByteString.copyFrom(message)).build()));
    return e.getStatus();
  }

  private static String failure(CompletableFuture<SecAggMessage> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    return e.getCause().getMessage();
  }

  private void refused(byte[] message, Status.Code code, String description) {
    Task[] t = new Task[1];
    CompletableFuture<SecAggMessage> f = setup(t);
    Status s = reply(t[0], message);
    assertEquals(code, s.getCode(), s.toString());
    assertTrue(s.getDescription().startsWith(description), s.getDescription());
    String failed = failure(f);
    assertTrue(failed.contains(description), "the stage fails, naming the problem");
    assertTrue(failed.startsWith("rejected secure-aggregation reply: " + description), failed);
    // The task is closed: even a correct reply now comes too late.
    Status again = reply(t[0], keys(ROUND, 1));
    assertEquals(Status.Code.FAILED_PRECONDITION, again.getCode());
    assertTrue(again.getDescription().contains("is closed"), again.getDescription());
  }

  @Test
  void garbageIsRefusedAsMalformed() {
    refused(new byte[] {2, 0, 0}, Status.Code.INVALID_ARGUMENT, "malformed SecAgg message: 3 bytes, shorter than the 9-byte header");
    byte[] trailing = java.util.Arrays.copyOf(keys(ROUND, 1), 74);
    refused(trailing, Status.Code.INVALID_ARGUMENT, "malformed SecAgg message: 1 trailing bytes after a PublicKeys");
  }

  @Test
  void aMessageOfAnotherStageIsRefused() {
    byte[] masked = SecAggCodec.encode(new SecAggMessage.MaskedInput(ROUND, 1, new long[10], 32));
    refused(masked, Status.Code.FAILED_PRECONDITION, "wrong stage: task '");
  }

  @Test
  void aMessageOfAnotherRoundIsRefused() {
    refused(keys(ROUND - 1, 1), Status.Code.FAILED_PRECONDITION, "wrong round: the PublicKeys is for round 3");
  }

  @Test
  void aMessageClaimingAnotherSenderIsRefused() {
    refused(keys(ROUND, 0), Status.Code.PERMISSION_DENIED,
        "forged sender: the PublicKeys claims to come from participant 0, but this session is participant 1 of round 4");
  }

  @Test
  void anOverlongErrorIsRefused() {
    Task[] t = new Task[1];
    CompletableFuture<SecAggMessage> f = setup(t);
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> rogue.stub.withDeadlineAfter(5, TimeUnit.SECONDS)
        .submitSecAgg(SecAggReply.newBuilder().setTask(ref(t[0])).setError(TaskError.newBuilder().setMessage("e".repeat(5000))).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
    String says = "TaskError.message is 5000 characters, more than the limit of 1024";
    assertTrue(e.getStatus().getDescription().startsWith(says), e.getStatus().getDescription());
    assertTrue(failure(f).contains(says), "the stage fails, naming the problem");
  }

  @Test
  void aStageHasNoParametersToDownloadAndAHonestReplyIsAccepted() throws Exception {
    Task[] t = new Task[1];
    CompletableFuture<SecAggMessage> f = setup(t);
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> rogue.stub.withDeadlineAfter(5, TimeUnit.SECONDS)
        .downloadParameters(DownloadRequest.newBuilder().setTask(ref(t[0])).build()).hasNext());
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(rogue.stub.withDeadlineAfter(5, TimeUnit.SECONDS).submitSecAgg(SecAggReply.newBuilder().setTask(ref(t[0]))
        .setMessage(ByteString.copyFrom(keys(ROUND, 1))).build()).getAccepted());
    assertEquals(new PublicKeys(ROUND, 1, new byte[32], new byte[32]).getClass(), f.get(5, TimeUnit.SECONDS).getClass());
  }

  @Test
  void aStageMissingItsDeadlineFailsTheFuture() {
    SecAggMessage.Setup s = new SecAggMessage.Setup(ROUND, List.of("honest", "rogue"), 1, List.of(0), 1, 1.0, 32, 100, 10);
    CompletableFuture<SecAggMessage> f = rogue.server.secAggTransport().send("rogue", s, Instant.now().plusMillis(200));
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof java.util.concurrent.TimeoutException, e.getCause().toString());
  }

  @Test
  void aTaskErrorIsAcknowledgedAsNotAcceptedAndDropsTheParticipantByItsKind() throws Exception {
    Task[] t = new Task[1];
    CompletableFuture<SecAggMessage> f = setup(t);
    assertEquals(false, rogue.stub.withDeadlineAfter(5, TimeUnit.SECONDS).submitSecAgg(SecAggReply.newBuilder().setTask(ref(t[0]))
        .setError(TaskError.newBuilder().setMessage("threshold too low").setKind("UNSAFE")).build()).getAccepted());
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
    SecAggException cause = (SecAggException) e.getCause();
    assertEquals(SecAggException.Kind.UNSAFE, cause.kind());
    assertTrue(cause.getMessage().contains("threshold too low"), cause.getMessage());
    Status again = reply(t[0], keys(ROUND, 1));
    assertEquals(Status.Code.FAILED_PRECONDITION, again.getCode());
    assertTrue(again.getDescription().contains("is closed"), again.getDescription());
  }

  @Test
  void aClientThatDoesNotKnowTheStageKindGetsItAgainUntilItsDeadlineAndIsDropped() {
    SecAggMessage.Setup s = new SecAggMessage.Setup(ROUND, List.of("honest", "rogue"), 1, List.of(0), 1, 1.0, 32, 100, 10);
    CompletableFuture<SecAggMessage> f = rogue.server.secAggTransport().send("rogue", s, Instant.now().plusSeconds(6));
    // A client written before the secagg kind sees a task without a kind it knows and polls again.
    Task first = rogue.nextTask();
    assertTrue(first.hasSecagg(), first.toString());
    Task again = rogue.nextTask();
    assertEquals(first.getTaskId(), again.getTaskId(), "the open stage task is given again");
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(20, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof java.util.concurrent.TimeoutException, "dropped at the stage's deadline: " + e.getCause());
    Task after = rogue.nextTask();
    for (int i = 0; i < 5 && after.getTaskId().equals(first.getTaskId()); i++) after = rogue.nextTask();
    assertTrue(after.hasWait(), "the closed stage task is not given again: " + after);
  }

  @Test
  void aReplyBeyondTheChunkLimitAndItsFramingIsRefusedByTheTransport() {
    int maxChunk = 4096;
    int limit = maxChunk + (64 << 10);
    ServerSettings settings = ServerSettings.defaults("secagg-size").withAllowAnonymous(true).withMaxChunkBytes(maxChunk);
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).settings(settings).start()) {
      ManagedChannel ch = net.loopback(server.port());
      RegisterResponse session = TestChannels.register(ch, "rogue");
      FederationGrpc.FederationBlockingStub stub = FederationGrpc.newBlockingStub(ch);
      SecAggMessage.Setup s = new SecAggMessage.Setup(ROUND, List.of("honest", "rogue"), 1, List.of(0), 1, 1.0, 32, 100, 10);
      server.secAggTransport().send("rogue", s, Instant.now().plusSeconds(60));
      Task t = stub.withDeadlineAfter(10, TimeUnit.SECONDS).getTask(GetTaskRequest.newBuilder().setSessionId(session.getSessionId())
          .setMaxWaitMs(5000).build());
      assertTrue(t.hasSecagg(), t.toString());
      TaskRef ref = TaskRef.newBuilder().setSessionId(session.getSessionId()).setRunId(t.getRunId()).setRound(t.getRound())
          .setTaskId(t.getTaskId()).build();
      StatusRuntimeException beyond = assertThrows(StatusRuntimeException.class, () -> stub.withDeadlineAfter(10, TimeUnit.SECONDS)
          .submitSecAgg(SecAggReply.newBuilder().setTask(ref).setMessage(ByteString.copyFrom(new byte[limit + 1])).build()));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, beyond.getStatus().getCode(), beyond.toString());
      assertTrue(RefusalReason.of(beyond).isEmpty(), "the transport's refusal carries no Lianbang reason: " + beyond);
      // Within the limit, the message reaches the service, which judges its bytes.
      StatusRuntimeException within = assertThrows(StatusRuntimeException.class, () -> stub.withDeadlineAfter(10, TimeUnit.SECONDS)
          .submitSecAgg(SecAggReply.newBuilder().setTask(ref).setMessage(ByteString.copyFrom(new byte[limit - 1024])).build()));
      assertEquals(RefusalReason.MALFORMED_MESSAGE, RefusalReason.of(within).orElseThrow(), within.toString());
    }
    // protocol.md: with 32-bit entries about 270,000 parameters fit the default 1 MiB chunk and its framing
    byte[] masked = SecAggCodec.encode(new SecAggMessage.MaskedInput(ROUND, 1, new long[270_001], 32));
    assertTrue(masked.length + 1024 < (1 << 20) + (64 << 10), masked.length + " bytes");
  }

  @Test
  void sessionRunAndTaskAreCheckedAsInTheOtherCalls() {
    Task[] t = new Task[1];
    setup(t);
    TaskRef ok = ref(t[0]);
    expect(ok.toBuilder().setSessionId("no-such-session").build(), Status.Code.NOT_FOUND, RefusalReason.UNKNOWN_SESSION);
    expect(ok.toBuilder().setRunId("another-run").build(), Status.Code.FAILED_PRECONDITION, RefusalReason.WRONG_RUN);
    expect(ok.toBuilder().setTaskId("no-such-task").build(), Status.Code.NOT_FOUND, RefusalReason.UNKNOWN_TASK);
    assertTrue(rogue.stub.withDeadlineAfter(5, TimeUnit.SECONDS).submitSecAgg(SecAggReply.newBuilder().setTask(ok)
        .setMessage(ByteString.copyFrom(keys(ROUND, 1))).build()).getAccepted(), "the task stayed open");
  }

  private void expect(TaskRef ref, Status.Code code, RefusalReason reason) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> rogue.stub.withDeadlineAfter(5, TimeUnit.SECONDS)
        .submitSecAgg(SecAggReply.newBuilder().setTask(ref).setMessage(ByteString.copyFrom(keys(ROUND, 1))).build()));
    assertEquals(code, e.getStatus().getCode(), e.toString());
    assertEquals(reason, RefusalReason.of(e).orElseThrow(), e.toString());
  }
}
