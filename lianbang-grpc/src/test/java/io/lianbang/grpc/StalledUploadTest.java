package io.lianbang.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import io.lianbang.grpc.proto.v1.FitOutput;
import io.lianbang.grpc.proto.v1.GetTaskRequest;
import io.lianbang.grpc.proto.v1.ProtocolVersion;
import io.lianbang.grpc.proto.v1.RegisterRequest;
import io.lianbang.grpc.proto.v1.RegisterResponse;
import io.lianbang.grpc.proto.v1.ResultHeader;
import io.lianbang.grpc.proto.v1.ResultPart;
import io.lianbang.grpc.proto.v1.Task;
import io.lianbang.grpc.proto.v1.TaskRef;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import io.lianbang.grpc.wire.ChunkEncoder;
import io.lianbang.grpc.wire.TensorSpecs;
import io.lianbang.grpc.wire.Values;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client that starts an upload and then stalls, neither sending the rest nor closing the call,
 * is cut off when its task's deadline passes: the server ends the call with a status naming the
 * closed task rather than hold it (and the partial result) until the client's own deadline.
 */
class StalledUploadTest {
  private static final int ROUND_TIMEOUT_SECONDS = 5;
  private static final int CLIENT_DEADLINE_SECONDS = 60;
  private static final int MAX_CHUNK = 4096;

  /** 8,012 bytes: the upload takes three chunks, and the staller sends only the first. */
  private static Parameters initial() {
    float[] w = new float[2000];
    for (int i = 0; i < w.length; i++) w[i] = (float) Math.sin(i);
    return Parameters.of(Tensor.of(new int[] {40, 50}, w), Tensor.vector(1, 2, 3));
  }

  @Test
  void aStalledUploadEndsAtItsTasksDeadline() throws Exception {
    FederationConfig config = FederationConfig.of(1, 3).withRoundTimeout(Duration.ofSeconds(ROUND_TIMEOUT_SECONDS)).withQuorum(0.5);
    String name = InProcessServerBuilder.generateName();
    ServerSettings settings = ServerSettings.defaults("stall-run").withAllowAnonymous(true).withMaxChunkBytes(MAX_CHUNK)
        .withHeartbeatInterval(Duration.ofSeconds(30));
    ExecutorService threads = Executors.newCachedThreadPool();
    ManagedChannel honestChannel = InProcessChannelBuilder.forName(name).build();
    ManagedChannel stallChannel = InProcessChannelBuilder.forName(name).build();
    try (FederationServer server = FederationServer.start(InProcessServerBuilder.forName(name), settings)) {
      threads.submit(new FederationClient(honestChannel, TestClients.pulling(0, 0), ClientSettings.defaults("honest"))::run);
      FederationGrpc.FederationBlockingStub stub = FederationGrpc.newBlockingStub(stallChannel);
      RegisterResponse session = stub.withDeadlineAfter(5, TimeUnit.SECONDS).register(RegisterRequest.newBuilder()
          .setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1).setClientName("staller").build());
      FedAvg strategy = FedAvg.builder().minFitClients(2).minAvailableClients(2).build();
      Future<RunResult> run = threads.submit(() -> new Federation(strategy, server.clients(), config, List.of()).run(initial()));

      Task task = stub.withDeadlineAfter(10, TimeUnit.SECONDS)
          .getTask(GetTaskRequest.newBuilder().setSessionId(session.getSessionId()).setMaxWaitMs(5000).build());
      assertTrue(task.hasFit(), "a fit task, got " + task.getKindCase());
      TaskRef ref = TaskRef.newBuilder().setSessionId(session.getSessionId()).setRunId(task.getRunId())
          .setRound(task.getRound()).setTaskId(task.getTaskId()).build();
      FitResult result = TestClients.pulling(1, 0).fit(new FitTask(1, initial(), Values.fromProto(task.getFit().getConfigMap()), 0));
      ResultPart header = ResultPart.newBuilder().setHeader(ResultHeader.newBuilder().setTask(ref)
          .setFit(FitOutput.newBuilder().setParameters(TensorSpecs.of(result.parameters())).setNumExamples(result.numExamples()))).build();
      ResultPart firstChunk = ResultPart.newBuilder().setChunk(new ChunkEncoder(result.parameters(), MAX_CHUNK).next()).build();

      long start = System.nanoTime();
      CompletableFuture<Status> upload = RawCalls.stall(stallChannel, "SubmitResult",
          List.of(header.toByteArray(), firstChunk.toByteArray()), CLIENT_DEADLINE_SECONDS);
      Status status = upload.get(CLIENT_DEADLINE_SECONDS + 5, TimeUnit.SECONDS);
      double seconds = (System.nanoTime() - start) / 1e9;

      assertEquals(Status.Code.FAILED_PRECONDITION, status.getCode(), status.toString());
      assertTrue(status.getDescription().contains("closed during the upload"), status.getDescription());
      assertTrue(seconds < ROUND_TIMEOUT_SECONDS + 5, "ended " + seconds + " s after the upload began, not at the task's deadline");

      RoundRecord round = run.get(30, TimeUnit.SECONDS).history().last();
      server.finish("done", Duration.ofSeconds(2));
      assertEquals(1, round.succeeded());
      assertTrue(round.updated());
      ClientFailure failure = round.failures().get(0);
      assertEquals("staller", failure.clientId());
      assertEquals(ClientFailure.Kind.TIMEOUT, failure.kind(), failure.toString());
    } finally {
      honestChannel.shutdownNow();
      stallChannel.shutdownNow();
      threads.shutdownNow();
    }
  }
}
