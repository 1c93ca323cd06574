package io.lianbang.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.lianbang.core.task.Config;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.grpc.proto.v1.EncryptedPart;
import io.lianbang.grpc.proto.v1.EvaluateOutput;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import io.lianbang.grpc.proto.v1.FitOutput;
import io.lianbang.grpc.proto.v1.GetTaskRequest;
import io.lianbang.grpc.proto.v1.HeartbeatRequest;
import io.lianbang.grpc.proto.v1.RegisterResponse;
import io.lianbang.grpc.proto.v1.ResultHeader;
import io.lianbang.grpc.proto.v1.ResultPart;
import io.lianbang.grpc.proto.v1.SecAggReply;
import io.lianbang.grpc.proto.v1.SubmitResponse;
import io.lianbang.grpc.proto.v1.Task;
import io.lianbang.grpc.proto.v1.TaskError;
import io.lianbang.grpc.proto.v1.TaskRef;
import io.lianbang.grpc.proto.v1.TensorChunk;
import io.lianbang.grpc.server.ClientReportedException;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import io.lianbang.grpc.wire.TensorSpecs;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Refusals of docs/protocol.md that a client relies on, each with its status code and reason: a
 * second upload for a task while one is in progress, a session used by another identity, an
 * evaluation result that is not finite or weighs nothing or carries tensors, a message larger than
 * {@code max_chunk_bytes} plus 64 KiB, a secure-aggregation or Paillier answer for a fit task; and a
 * {@code TaskError}, which fails the task at once.
 */
class ResultRefusalsTest {
  private static final int MAX_CHUNK = 4096;
  @RegisterExtension final TestChannels net = new TestChannels();

  /** An upload in progress: the parts sent so far and the call's outcome. */
  private static final class Upload implements StreamObserver<SubmitResponse> {
    final CompletableFuture<SubmitResponse> outcome = new CompletableFuture<>();
    final StreamObserver<ResultPart> parts;

    Upload(ManagedChannel ch) {
      parts = FederationGrpc.newStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS).submitResult(this);
    }

    Upload send(ResultPart... ps) {
      for (ResultPart p : ps) parts.onNext(p);
      return this;
    }

    /** Half-closes the upload and returns the refusal it ends with (fails if it is accepted). */
    StatusRuntimeException refused() {
      parts.onCompleted();
      ExecutionException e = assertThrows(ExecutionException.class, () -> outcome.get(20, TimeUnit.SECONDS));
      return assertInstanceOf(StatusRuntimeException.class, e.getCause());
    }

    @Override
    public void onNext(SubmitResponse r) {
      outcome.complete(r);
    }

    @Override
    public void onError(Throwable t) {
      outcome.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      outcome.complete(null);
    }
  }

  private static void expect(StatusRuntimeException e, Status.Code code, RefusalReason reason, String says) {
    assertEquals(code, e.getStatus().getCode(), e.toString());
    assertEquals(reason, RefusalReason.of(e).orElseThrow(), e.toString());
    assertTrue(e.getStatus().getDescription().contains(says), e.toString());
  }

  private static TaskRef poll(ManagedChannel ch, RegisterResponse session) {
    Task t = FederationGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
        .getTask(GetTaskRequest.newBuilder().setSessionId(session.getSessionId()).setMaxWaitMs(5000).build());
    assertTrue(t.hasFit() || t.hasEvaluate(), t.getKindCase().toString());
    return TaskRef.newBuilder().setSessionId(session.getSessionId()).setRunId(t.getRunId()).setRound(t.getRound())
        .setTaskId(t.getTaskId()).build();
  }

  private static ResultPart header(ResultHeader.Builder h) {
    return ResultPart.newBuilder().setHeader(h).build();
  }

  private static ResultPart fitHeader(TaskRef ref) {
    return header(ResultHeader.newBuilder().setTask(ref)
        .setFit(FitOutput.newBuilder().setParameters(TensorSpecs.of(TestClients.initial())).setNumExamples(3)));
  }

  private static ResultPart evaluation(TaskRef ref, double loss, long examples) {
    return header(ResultHeader.newBuilder().setTask(ref).setEvaluate(EvaluateOutput.newBuilder().setLoss(loss).setNumExamples(examples)));
  }

  private static FederationServer inProcess(String name, ServerSettings settings) {
    return FederationServer.start(InProcessServerBuilder.forName(name), settings);
  }

  @Test
  void aSecondUploadWhileOneIsInProgressIsRefusedAndTheFirstGoesOn() throws Exception {
    String name = InProcessServerBuilder.generateName();
    try (FederationServer server = inProcess(name, ServerSettings.defaults("uploads").withAllowAnonymous(true).withMaxChunkBytes(MAX_CHUNK))) {
      ManagedChannel ch = net.inProcess(name);
      RegisterResponse session = TestChannels.register(ch, "a");
      CompletableFuture<FitResult> fit = server.clients().get("a").orElseThrow()
          .fit(new FitTask(1, TestClients.initial(), Config.empty(), 7), Instant.now().plusSeconds(60));
      TaskRef ref = poll(ch, session);
      Upload first = new Upload(ch).send(fitHeader(ref));
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (server.uploadsInFlight() == 0) { // until the server has taken the first upload's header
        assertTrue(System.nanoTime() < end, "the first upload never started");
        Thread.sleep(10);
      }
      expect(new Upload(ch).send(fitHeader(ref)).refused(), Status.Code.FAILED_PRECONDITION, RefusalReason.UPLOAD_IN_PROGRESS,
          "is already in progress");
      assertFalse(fit.isDone(), "the refused second upload leaves the task to the first");
      new io.lianbang.grpc.wire.ChunkEncoder(TestClients.initial(), MAX_CHUNK).forEachRemaining(c -> first.send(ResultPart.newBuilder().setChunk(c).build()));
      first.parts.onCompleted();
      assertTrue(first.outcome.get(20, TimeUnit.SECONDS).getAccepted());
      assertEquals(3, fit.get(20, TimeUnit.SECONDS).numExamples());
    }
  }

  @Test
  void aSessionOfAnotherIdentityIsRefused() throws Exception {
    String name = InProcessServerBuilder.generateName();
    String aliceToken = "alice-token-0123456789";
    String bobToken = "bob-token-0123456789ab";
    ServerSettings settings = ServerSettings.defaults("identities").withTokens(Map.of(aliceToken, "alice", bobToken, "bob"));
    try (FederationServer server = inProcess(name, settings)) {
      ManagedChannel ch = net.inProcess(name);
      RegisterResponse alice = TestChannels.register(io.grpc.ClientInterceptors.intercept(ch, bearer(aliceToken)), "x");
      assertEquals("alice", alice.getClientId(), "the token, not the name, is the identity");
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> FederationGrpc.newBlockingStub(ch)
          .withInterceptors(bearer(bobToken)).withDeadlineAfter(5, TimeUnit.SECONDS)
          .heartbeat(HeartbeatRequest.newBuilder().setSessionId(alice.getSessionId()).build()));
      expect(e, Status.Code.PERMISSION_DENIED, RefusalReason.FOREIGN_SESSION, "belongs to another client");
    }
  }

  private static io.grpc.ClientInterceptor bearer(String token) {
    Metadata m = new Metadata();
    m.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    return MetadataUtils.newAttachHeadersInterceptor(m);
  }

  @Test
  void anEvaluationThatIsNotFiniteWeighsNothingOrCarriesTensorsIsRefusedAndClosesItsTask() throws Exception {
    String name = InProcessServerBuilder.generateName();
    try (FederationServer server = inProcess(name, ServerSettings.defaults("evaluations").withAllowAnonymous(true).withMaxChunkBytes(MAX_CHUNK))) {
      ManagedChannel ch = net.inProcess(name);
      RegisterResponse session = TestChannels.register(ch, "a");
      record Case(java.util.function.Function<TaskRef, List<ResultPart>> parts, RefusalReason reason, String says) {}
      List<Case> cases = List.of(
          new Case(r -> List.of(evaluation(r, Double.NaN, 3)), RefusalReason.INVALID_RESULT, "loss is NaN, not a finite number"),
          new Case(r -> List.of(evaluation(r, Double.POSITIVE_INFINITY, 3)), RefusalReason.INVALID_RESULT, "loss is Infinity"),
          new Case(r -> List.of(evaluation(r, 0.5, 0)), RefusalReason.INVALID_RESULT, "num_examples must be > 0, got 0"),
          new Case(r -> List.of(evaluation(r, 0.5, 3), ResultPart.newBuilder().setChunk(TensorChunk.newBuilder()
              .setData(ByteString.copyFrom(new byte[4]))).build()), RefusalReason.PROTOCOL_VIOLATION, "evaluate"));
      for (Case c : cases) {
        CompletableFuture<EvalResult> eval = server.clients().get("a").orElseThrow()
            .evaluate(new EvalTask(1, TestClients.initial(), Config.empty()), Instant.now().plusSeconds(60));
        TaskRef ref = poll(ch, session);
        expect(new Upload(ch).send(c.parts().apply(ref).toArray(ResultPart[]::new)).refused(), Status.Code.INVALID_ARGUMENT,
            c.reason(), c.says());
        assertThrows(ExecutionException.class, () -> eval.get(20, TimeUnit.SECONDS), "the task failed as invalid: " + c.says());
        expect(new Upload(ch).send(evaluation(ref, 0.5, 3)).refused(), Status.Code.FAILED_PRECONDITION, RefusalReason.TASK_CLOSED,
            "is closed");
      }
    }
  }

  @Test
  void aTaskErrorFailsTheTaskAtOnceWithTheClientsMessage() throws Exception {
    String name = InProcessServerBuilder.generateName();
    try (FederationServer server = inProcess(name, ServerSettings.defaults("errors").withAllowAnonymous(true))) {
      ManagedChannel ch = net.inProcess(name);
      RegisterResponse session = TestChannels.register(ch, "a");
      CompletableFuture<FitResult> fit = server.clients().get("a").orElseThrow()
          .fit(new FitTask(1, TestClients.initial(), Config.empty(), 7), Instant.now().plusSeconds(600));
      TaskRef ref = poll(ch, session);
      Upload error = new Upload(ch).send(header(ResultHeader.newBuilder().setTask(ref)
          .setError(TaskError.newBuilder().setMessage("out of memory on the GPU"))));
      error.parts.onCompleted();
      assertFalse(error.outcome.get(20, TimeUnit.SECONDS).getAccepted(), "an error report is not a result");
      // The task fails now, not when its deadline ten minutes away passes.
      ExecutionException e = assertThrows(ExecutionException.class, () -> fit.get(20, TimeUnit.SECONDS));
      assertInstanceOf(ClientReportedException.class, e.getCause());
      assertTrue(e.getCause().getMessage().contains("out of memory on the GPU"), e.getCause().getMessage());
    }
  }

  @Test
  void aMessageBeyondTheChunkLimitAndItsFramingIsResourceExhaustedWithoutAReason() throws Exception {
    ServerSettings settings = ServerSettings.defaults("too-large").withAllowAnonymous(true).withMaxChunkBytes(MAX_CHUNK);
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0).settings(settings).start()) {
      ManagedChannel ch = net.loopback(server.port());
      RegisterResponse session = TestChannels.register(ch, "a");
      server.clients().get("a").orElseThrow().fit(new FitTask(1, TestClients.initial(), Config.empty(), 7), Instant.now().plusSeconds(60));
      TaskRef ref = poll(ch, session);
      ResultPart huge = ResultPart.newBuilder().setChunk(TensorChunk.newBuilder()
          .setData(ByteString.copyFrom(new byte[MAX_CHUNK + (64 << 10) + 4]))).build();
      StatusRuntimeException e = new Upload(ch).send(fitHeader(ref), huge).refused();
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.toString());
      assertTrue(RefusalReason.of(e).isEmpty(), "the transport's refusal carries no Lianbang reason: " + e);
      // A message within the limit gets the server's own answer.
      assertEquals("a", TestChannels.register(ch, "a").getClientId());
    }
  }

  @Test
  void aSecAggReplyOrAnEncryptedPartForAFitTaskIsRefusedAndClosesIt() throws Exception {
    String name = InProcessServerBuilder.generateName();
    try (FederationServer server = inProcess(name, ServerSettings.defaults("kinds").withAllowAnonymous(true))) {
      ManagedChannel ch = net.inProcess(name);
      RegisterResponse session = TestChannels.register(ch, "a");
      FederationGrpc.FederationBlockingStub stub = FederationGrpc.newBlockingStub(ch);
      for (String kind : List.of("secagg", "paillier")) {
        CompletableFuture<FitResult> fit = server.clients().get("a").orElseThrow()
            .fit(new FitTask(1, TestClients.initial(), Config.empty(), 7), Instant.now().plusSeconds(60));
        TaskRef ref = poll(ch, session);
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> {
          if (kind.equals("secagg")) {
            stub.withDeadlineAfter(5, TimeUnit.SECONDS).submitSecAgg(SecAggReply.newBuilder().setTask(ref)
                .setMessage(ByteString.copyFrom(new byte[9])).build());
          } else {
            stub.withDeadlineAfter(5, TimeUnit.SECONDS).submitEncrypted(EncryptedPart.newBuilder().setTask(ref)
                .addCiphertexts(ByteString.copyFrom(new byte[] {2})).build());
          }
        });
        expect(e, Status.Code.INVALID_ARGUMENT, RefusalReason.WRONG_TASK_KIND, "task '" + ref.getTaskId() + "' is fit, not a "
            + (kind.equals("secagg") ? "secure-aggregation stage" : "Paillier task"));
        assertThrows(ExecutionException.class, () -> fit.get(20, TimeUnit.SECONDS), "the fit task closed as invalid");
      }
    }
  }

  @Test
  void anEmptyMetricNameOrOneWithASpaceIsRefused() throws Exception {
    String name = InProcessServerBuilder.generateName();
    try (FederationServer server = inProcess(name, ServerSettings.defaults("metrics").withAllowAnonymous(true))) {
      ManagedChannel ch = net.inProcess(name);
      RegisterResponse session = TestChannels.register(ch, "a");
      for (String metric : List.of("", "train loss")) {
        CompletableFuture<EvalResult> eval = server.clients().get("a").orElseThrow()
            .evaluate(new EvalTask(1, TestClients.initial(), Config.empty()), Instant.now().plusSeconds(60));
        TaskRef ref = poll(ch, session);
        expect(new Upload(ch).send(header(ResultHeader.newBuilder().setTask(ref).setEvaluate(EvaluateOutput.newBuilder()
            .setLoss(0.5).setNumExamples(3).putMetrics(metric, 1.0)))).refused(), Status.Code.INVALID_ARGUMENT,
            RefusalReason.INVALID_RESULT, metric.isEmpty() ? "a metric name is empty" : "metric name 'train loss' has character U+0020 at index 5");
        assertThrows(ExecutionException.class, () -> eval.get(20, TimeUnit.SECONDS), "the task failed as invalid");
      }
    }
  }

  @Test
  void anUploadThatBreaksOffLeavesTheTaskOpenForAnotherTry() throws Exception {
    String name = InProcessServerBuilder.generateName();
    try (FederationServer server = inProcess(name, ServerSettings.defaults("retry").withAllowAnonymous(true).withMaxChunkBytes(MAX_CHUNK))) {
      ManagedChannel ch = net.inProcess(name);
      RegisterResponse session = TestChannels.register(ch, "a");
      CompletableFuture<FitResult> fit = server.clients().get("a").orElseThrow()
          .fit(new FitTask(1, TestClients.initial(), Config.empty(), 7), Instant.now().plusSeconds(60));
      TaskRef ref = poll(ch, session);
      Upload broken = new Upload(ch).send(fitHeader(ref));
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (server.uploadsInFlight() == 0) { // until the server has taken the header
        assertTrue(System.nanoTime() < end, "the upload never started");
        Thread.sleep(10);
      }
      broken.parts.onError(Status.CANCELLED.withDescription("the client's connection broke").asRuntimeException());
      while (server.uploadsInFlight() > 0) { // until the server has seen the upload end
        assertTrue(System.nanoTime() < end, "the broken upload never ended");
        Thread.sleep(10);
      }
      assertFalse(fit.isDone(), "the task stays open");
      Upload retry = new Upload(ch).send(fitHeader(ref));
      new io.lianbang.grpc.wire.ChunkEncoder(TestClients.initial(), MAX_CHUNK).forEachRemaining(c -> retry.send(ResultPart.newBuilder().setChunk(c).build()));
      retry.parts.onCompleted();
      assertTrue(retry.outcome.get(20, TimeUnit.SECONDS).getAccepted());
      assertEquals(3, fit.get(20, TimeUnit.SECONDS).numExamples());
    }
  }
}
