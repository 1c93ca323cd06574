package io.lianbang.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessServerBuilder;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.grpc.proto.v1.DownloadRequest;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import io.lianbang.grpc.proto.v1.FitOutput;
import io.lianbang.grpc.proto.v1.GetTaskRequest;
import io.lianbang.grpc.proto.v1.RegisterResponse;
import io.lianbang.grpc.proto.v1.ResultHeader;
import io.lianbang.grpc.proto.v1.ResultPart;
import io.lianbang.grpc.proto.v1.Task;
import io.lianbang.grpc.proto.v1.TaskRef;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.PeerLimits;
import io.lianbang.grpc.server.ServerSettings;
import io.lianbang.grpc.wire.ChunkEncoder;
import io.lianbang.grpc.wire.TensorSpecs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server's transfers are bounded whatever the clients do: uploads beyond
 * {@code maxConcurrentUploads} wait unread until a place frees up, a session cannot open more
 * than {@code maxDownloadsPerSession} downloads, and a stalled download ends with its task.
 */
class TransferLimitsTest {
  private static final int MAX_CHUNK = 4096;
  @RegisterExtension final TestChannels net = new TestChannels();

  /** 8,012 bytes: three chunks of at most 4 KiB. */
  private static Parameters model(float shift) {
    float[] w = new float[2000];
    for (int i = 0; i < w.length; i++) w[i] = (float) Math.sin(i) + shift;
    return Parameters.of(Tensor.of(new int[] {40, 50}, w), Tensor.vector(1 + shift, 2, 3));
  }

  /** A raw participant: its session, its fit task and the reference naming it. */
  private record Participant(ManagedChannel channel, Task task, TaskRef ref) {
    static Participant join(ManagedChannel channel, String name) {
      RegisterResponse session = TestChannels.register(channel, name);
      return new Participant(channel, null, TaskRef.newBuilder().setSessionId(session.getSessionId()).build());
    }

    Participant awaitTask() {
      Task t = FederationGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS)
          .getTask(GetTaskRequest.newBuilder().setSessionId(ref.getSessionId()).setMaxWaitMs(10_000).build());
      assertTrue(t.hasFit(), "a fit task, got " + t.getKindCase());
      return new Participant(channel, t, ref.toBuilder().setRunId(t.getRunId()).setRound(t.getRound()).setTaskId(t.getTaskId()).build());
    }

    byte[] header(Parameters result) {
      return ResultPart.newBuilder().setHeader(ResultHeader.newBuilder().setTask(ref)
          .setFit(FitOutput.newBuilder().setParameters(TensorSpecs.of(result)).setNumExamples(10))).build().toByteArray();
    }
  }

  private static List<byte[]> chunks(Parameters p) {
    List<byte[]> out = new ArrayList<>();
    new ChunkEncoder(p, MAX_CHUNK).forEachRemaining(c -> out.add(ResultPart.newBuilder().setChunk(c).build().toByteArray()));
    return out;
  }

  private Future<RunResult> federation(FederationServer server, int roundTimeoutSeconds) {
    FederationConfig config = FederationConfig.of(1, 5).withRoundTimeout(Duration.ofSeconds(roundTimeoutSeconds));
    FedAvg strategy = FedAvg.builder().minFitClients(2).minAvailableClients(2).build();
    return net.submit(() -> new Federation(strategy, server.clients(), config, List.of()).run(model(0)));
  }

  @Test
  void anUploadBeyondTheLimitWaitsUnreadUntilAPlaceFreesUp() throws Exception {
    String name = InProcessServerBuilder.generateName();
    ServerSettings settings = ServerSettings.defaults("admission").withAllowAnonymous(true).withMaxChunkBytes(MAX_CHUNK)
        .withHeartbeatInterval(Duration.ofSeconds(30)).withLimits(PeerLimits.defaults().withMaxConcurrentUploads(1));
    try (FederationServer server = FederationServer.start(InProcessServerBuilder.forName(name), settings)) {
      Participant a = Participant.join(net.inProcess(name), "slow");
      Participant b = Participant.join(net.inProcess(name), "fast");
      Future<RunResult> run = federation(server, 60);
      a = a.awaitTask();
      b = b.awaitTask();

      List<byte[]> aChunks = chunks(model(1));
      RawCalls.Stream slow = RawCalls.open(a.channel(), "SubmitResult", 1, 30).send(a.header(model(1)), aChunks.get(0));
      Thread.sleep(300); // the slow upload is admitted first and holds the only place
      RawCalls.Stream fast = RawCalls.open(b.channel(), "SubmitResult", 1, 30).send(b.header(model(3)));
      chunks(model(3)).forEach(fast::send);
      fast.halfClose();

      assertThrows(fast, 1500);
      slow.send(aChunks.subList(1, aChunks.size()).toArray(byte[][]::new)).halfClose();
      assertEquals(Status.Code.OK, slow.closed().get(10, TimeUnit.SECONDS).getCode());
      assertEquals(Status.Code.OK, fast.closed().get(10, TimeUnit.SECONDS).getCode());

      RoundRecord round = run.get(30, TimeUnit.SECONDS).history().last();
      assertEquals(2, round.succeeded(), round.toString());
      assertEquals(3f, run.get().parameters().tensor(1).get(0)); // mean of 1 + 1 and 1 + 3
    }
  }

  /** The upload's status does not arrive within {@code millis}: it is still waiting. */
  private static void assertThrows(RawCalls.Stream upload, long millis) throws Exception {
    try {
      Status s = upload.closed().get(millis, TimeUnit.MILLISECONDS);
      throw new AssertionError("the second upload was read while the only place was taken: " + s);
    } catch (TimeoutException expected) {
      // still waiting for admission
    }
  }

  @Test
  void aSessionHasAtMostTheLimitOfDownloadsAndAStalledOneEndsWithItsTask() throws Exception {
    String name = InProcessServerBuilder.generateName();
    ServerSettings settings = ServerSettings.defaults("downloads").withAllowAnonymous(true).withMaxChunkBytes(MAX_CHUNK)
        .withHeartbeatInterval(Duration.ofSeconds(30));
    try (FederationServer server = FederationServer.start(InProcessServerBuilder.forName(name), settings)) {
      Participant a = Participant.join(net.inProcess(name), "downloader");
      Participant b = Participant.join(net.inProcess(name), "other");
      Future<RunResult> run = federation(server, 3);
      a = a.awaitTask();
      byte[] request = DownloadRequest.newBuilder().setTask(a.ref()).build().toByteArray();
      List<RawCalls.Stream> stalled = new ArrayList<>();
      for (int i = 0; i < settings.limits().maxDownloadsPerSession(); i++) {
        stalled.add(RawCalls.open(a.channel(), "DownloadParameters", 0, 60).send(request).halfClose());
      }
      Thread.sleep(300);
      stalled.forEach(s -> assertFalse(s.closed().isDone(), "a download that reads nothing stays open"));

      Status refused = RawCalls.open(a.channel(), "DownloadParameters", 1, 60).send(request).halfClose()
          .closed().get(10, TimeUnit.SECONDS);
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getCode(), refused.toString());
      assertTrue(refused.getDescription().contains("2 parameter downloads open"), refused.getDescription());

      for (RawCalls.Stream s : stalled) {
        Status ended = s.closed().get(20, TimeUnit.SECONDS); // the round's 3 s deadline closes the task
        assertEquals(Status.Code.FAILED_PRECONDITION, ended.getCode(), ended.toString());
        assertTrue(ended.getDescription().contains("closed during the download"), ended.getDescription());
      }
      run.get(30, TimeUnit.SECONDS);
    }
  }
}
