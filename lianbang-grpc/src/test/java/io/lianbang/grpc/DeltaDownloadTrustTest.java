package io.lianbang.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.inprocess.InProcessServerBuilder;
import io.lianbang.core.compress.Codecs;
import io.lianbang.core.compress.Compression;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.grpc.proto.v1.DownloadRequest;
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
import io.lianbang.grpc.wire.ChunkAssembler;
import io.lianbang.grpc.wire.ChunkEncoder;
import io.lianbang.grpc.wire.TensorSpecs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A delta download is sent only against a start the server itself streamed to the client in full:
 * a client that claims to hold a round it never downloaded (from this server) gets the float32
 * model, so a start from before a restart, or a lie, can never be patched into a wrong model.
 */
class DeltaDownloadTrustTest {
  private static final int MAX_CHUNK = 4096;
  @RegisterExtension final TestChannels net = new TestChannels();

  @Test
  void aDeltaOnlyAgainstAStartThisServerDelivered() throws Exception {
    Parameters initial = TestClients.model(40, 50);
    FederationConfig config = FederationConfig.builder().rounds(4).seed(3).roundTimeout(Duration.ofSeconds(20))
        .compression(new Compression(null, false, Codecs.create("int8", Map.of()), true)).build();
    String name = InProcessServerBuilder.generateName();
    ServerSettings settings = ServerSettings.defaults("delta-trust").withAllowAnonymous(true).withMaxChunkBytes(MAX_CHUNK);
    try (FederationServer server = FederationServer.start(InProcessServerBuilder.forName(name), settings)) {
      FederationGrpc.FederationBlockingStub stub = FederationGrpc.newBlockingStub(net.inProcess(name));
      RegisterResponse session = stub.withDeadlineAfter(5, TimeUnit.SECONDS).register(RegisterRequest.newBuilder()
          .setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1).setClientName("raw").addCodecs("int8").build());
      FedAvg strategy = FedAvg.builder().minFitClients(1).minAvailableClients(1).build();
      Future<RunResult> run = net.submit(() -> new Federation(strategy, server.clients(), config, List.of()).run(initial));
      // what the client says it holds before each round's task, whether it downloads, and whether a delta may come
      int[] claims = {0, 1, 7, 3};
      boolean[] downloads = {true, true, false, true};
      List<Boolean> deltas = new ArrayList<>();
      Parameters held = null;
      for (int round = 1; round <= 4; round++) {
        Task task = stub.withDeadlineAfter(10, TimeUnit.SECONDS).getTask(GetTaskRequest.newBuilder()
            .setSessionId(session.getSessionId()).setMaxWaitMs(5000).setHeldRound(claims[round - 1]).build());
        assertTrue(task.hasFit(), "round " + round + ": " + task.getKindCase());
        deltas.add(task.getFit().hasDownloadEncoding() && task.getFit().getDownloadBaseRound() > 0);
        TaskRef ref = TaskRef.newBuilder().setSessionId(session.getSessionId()).setRunId(task.getRunId())
            .setRound(task.getRound()).setTaskId(task.getTaskId()).build();
        if (downloads[round - 1]) {
          ChunkAssembler a = new ChunkAssembler(TensorSpecs.shapes(task.getFit().getParameters()), MAX_CHUNK,
              !task.getFit().hasDownloadEncoding());
          if (!task.getFit().hasDownloadEncoding()) {
            stub.withDeadlineAfter(10, TimeUnit.SECONDS).downloadParameters(DownloadRequest.newBuilder().setTask(ref).build())
                .forEachRemaining(a::accept);
            held = a.finish();
          } else {
            stub.withDeadlineAfter(10, TimeUnit.SECONDS).downloadParameters(DownloadRequest.newBuilder().setTask(ref).build())
                .forEachRemaining(c -> { });
          }
        }
        // answer with the model it holds (no training): a valid float32 result
        ResultPart header = ResultPart.newBuilder().setHeader(ResultHeader.newBuilder().setTask(ref).setFit(
            FitOutput.newBuilder().setParameters(TensorSpecs.of(held)).setNumExamples(1))).build();
        List<byte[]> parts = new ArrayList<>();
        parts.add(header.toByteArray());
        new ChunkEncoder(held, MAX_CHUNK).forEachRemaining(c -> parts.add(ResultPart.newBuilder().setChunk(c).build().toByteArray()));
        assertTrue(RawCalls.call(net.inProcess(name), "SubmitResult", parts).status().isOk(), "round " + round);
      }
      run.get(60, TimeUnit.SECONDS);
      server.finish("done", Duration.ofSeconds(2));
      // round 1: nothing to differ from; round 2: it holds round 1's start, streamed by this server;
      // round 3: it claims round 7; round 4: it claims round 3, whose start it never downloaded
      assertEquals(List.of(false, true, false, false), deltas);
    }
  }
}
