package io.lianbang.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessServerBuilder;
import io.lianbang.core.client.Client;
import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.LocalClientProxy;
import io.lianbang.core.compress.Codec;
import io.lianbang.core.compress.Codecs;
import io.lianbang.core.compress.CompressingClientProxy;
import io.lianbang.core.compress.Compression;
import io.lianbang.core.compress.EncodedTensors;
import io.lianbang.core.compress.UpdateEncoder;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.federation.StaticClientPool;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.proto.v1.DownloadRequest;
import io.lianbang.grpc.proto.v1.Encoding;
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
import io.lianbang.grpc.proto.v1.TensorChunk;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import io.lianbang.grpc.wire.ChunkAssembler;
import io.lianbang.grpc.wire.EncodedChunkEncoder;
import io.lianbang.grpc.wire.TensorSpecs;
import io.lianbang.grpc.wire.Values;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client asked for int8 updates sends an upload in another encoding, then one whose encoded
 * tensor is longer than the codec's size, then one cut short: each is refused with a status naming
 * the problem, its task fails as invalid, and the two honest clients are unaffected.
 */
class HostileCompressedUploadTest {
  private static final int MAX_CHUNK = 4096;
  private static final Codec INT8 = Codecs.create("int8", Map.of());
  @RegisterExtension final TestChannels net = new TestChannels();

  private static FedAvg strategy() {
    return FedAvg.builder().minFitClients(3).minAvailableClients(3).build();
  }

  private static List<ResultPart> parts(ResultPart header, EncodedTensors update) {
    List<ResultPart> out = new ArrayList<>();
    out.add(header);
    new EncodedChunkEncoder(update, MAX_CHUNK).forEachRemaining(c -> out.add(ResultPart.newBuilder().setChunk(c).build()));
    return out;
  }

  private static RawCalls.Outcome submit(ManagedChannel ch, List<ResultPart> parts) throws Exception {
    return RawCalls.call(ch, "SubmitResult", parts.stream().map(ResultPart::toByteArray).toList());
  }

  private static void expect(RawCalls.Outcome o, String says, String what) {
    assertEquals(Status.Code.INVALID_ARGUMENT, o.status().getCode(), what + ": " + o.status());
    String description = String.valueOf(o.status().getDescription());
    assertTrue(description.contains(says), what + ": " + description);
    assertTrue(description.length() <= 400, what + ": " + description);
  }

  @Test
  void uploadsInAnotherEncodingOrOfTheWrongSizeAreRefused() throws Exception {
    Parameters initial = TestClients.model(80, 100);
    FederationConfig config = FederationConfig.builder().rounds(4).seed(5).roundTimeout(Duration.ofSeconds(20)).quorum(0.5)
        .compression(new Compression(INT8, false, null, false)).build();
    List<String> says = List.of("fit.encoding is fp16{} but task", "runs past its end: " + (INT8.encodedBytes(8000) + 5) + " bytes of int8, which encodes the tensor in exactly " + INT8.encodedBytes(8000), "transfer is truncated: tensor[0] has 4096 of " + INT8.encodedBytes(8000) + " bytes of int8");
    String name = InProcessServerBuilder.generateName();
    ServerSettings settings = ServerSettings.defaults("hostile-compressed").withAllowAnonymous(true).withMaxChunkBytes(MAX_CHUNK);
    try (FederationServer server = FederationServer.start(InProcessServerBuilder.forName(name), settings)) {
      for (int i = 0; i < 2; i++) {
        net.submit(new FederationClient(net.inProcess(name), TestClients.pulling(i, 0), ClientSettings.defaults("good-" + (i + 1)))::run);
      }
      ManagedChannel ch = net.inProcess(name);
      FederationGrpc.FederationBlockingStub stub = FederationGrpc.newBlockingStub(ch);
      RegisterResponse session = stub.withDeadlineAfter(5, TimeUnit.SECONDS).register(RegisterRequest.newBuilder()
          .setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1).setClientName("hostile").addCodecs("int8").build());
      Future<RunResult> run = net.submit(() -> new Federation(strategy(), server.clients(), config, List.of()).run(initial));
      Client model = TestClients.pulling(2, 0);

      for (int round = 1; round <= 4; round++) {
        Task task = stub.withDeadlineAfter(10, TimeUnit.SECONDS)
            .getTask(GetTaskRequest.newBuilder().setSessionId(session.getSessionId()).setMaxWaitMs(5000).build());
        assertTrue(task.hasFit(), "round " + round + " gives a fit task, got " + task.getKindCase());
        assertEquals("int8", task.getFit().getUploadEncoding().getCodec(), "the server asks for int8 updates");
        assertTrue(!task.getFit().hasDownloadEncoding(), "no downlink codec: the download is float32");
        TaskRef ref = TaskRef.newBuilder().setSessionId(session.getSessionId()).setRunId(task.getRunId())
            .setRound(task.getRound()).setTaskId(task.getTaskId()).build();
        ChunkAssembler a = new ChunkAssembler(TensorSpecs.shapes(task.getFit().getParameters()), MAX_CHUNK, true);
        stub.withDeadlineAfter(10, TimeUnit.SECONDS).downloadParameters(DownloadRequest.newBuilder().setTask(ref).build()).forEachRemaining(a::accept);
        Parameters start = a.finish();
        FitResult trained = model.fit(new FitTask(round, start, Values.fromProto(task.getFit().getConfigMap()), task.getFit().getSeed()));
        EncodedTensors update = new UpdateEncoder(INT8, false).encode(start, trained.parameters(), task.getFit().getSeed());
        FitOutput.Builder fit = FitOutput.newBuilder().setParameters(TensorSpecs.of(start)).setNumExamples(trained.numExamples())
            .setEncoding(task.getFit().getUploadEncoding());
        ResultPart header = ResultPart.newBuilder().setHeader(ResultHeader.newBuilder().setTask(ref).setFit(fit)).build();
        List<ResultPart> honest = parts(header, update);
        switch (round) {
          case 1 -> {
            ResultPart fp16 = ResultPart.newBuilder().setHeader(ResultHeader.newBuilder().setTask(ref)
                .setFit(fit.clone().setEncoding(Encoding.newBuilder().setCodec("fp16")))).build();
            expect(submit(ch, parts(fp16, update)), says.get(0), "another encoding");
          }
          case 2 -> {
            List<ResultPart> longer = new ArrayList<>(honest);
            // tensor 0's last chunk carries 5 bytes more than the codec's size
            int last = 1;
            while (longer.get(last + 1).getChunk().getTensorIndex() == 0) last++;
            TensorChunk end = longer.get(last).getChunk();
            longer.set(last, ResultPart.newBuilder().setChunk(end.toBuilder().setData(end.getData().concat(ByteString.copyFrom(new byte[5])))).build());
            expect(submit(ch, longer), says.get(1), "too many bytes");
          }
          case 3 -> expect(submit(ch, honest.subList(0, 2)), says.get(2), "truncated");
          default -> assertTrue(submit(ch, honest).status().isOk(), "an honest encoded upload is accepted");
        }
      }
      RunResult result = run.get(60, TimeUnit.SECONDS);
      server.finish("done", Duration.ofSeconds(2));
      for (RoundRecord r : result.history().rounds()) {
        if (r.round() <= 3) {
          assertEquals(2, r.succeeded(), "round " + r.round());
          ClientFailure f = r.failures().get(0);
          assertEquals("hostile", f.clientId());
          assertEquals(ClientFailure.Kind.INVALID, f.kind());
          assertTrue(f.message().contains(says.get(r.round() - 1)), f.message());
        } else {
          assertEquals(3, r.succeeded());
        }
      }
      assertArrayEquals(reference(config, initial).parameters().flatten(), result.parameters().flatten(),
          "every accepted result counted, every refused one did not");
    }
  }

  /** The same run in one JVM, where the hostile client fails the first three rounds. */
  private static RunResult reference(FederationConfig config, Parameters initial) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Client failingThenHonest = new Client() {
        final Client model = TestClients.pulling(2, 0);

        @Override
        public FitResult fit(FitTask task) {
          if (task.round() < 4) throw new IllegalStateException("fails");
          return model.fit(task);
        }

        @Override
        public EvalResult evaluate(EvalTask task) {
          return model.evaluate(task);
        }
      };
      List<ClientProxy> proxies = new ArrayList<>();
      for (int i = 0; i < 2; i++) proxies.add(new CompressingClientProxy(new LocalClientProxy("good-" + (i + 1), TestClients.pulling(i, 0), pool)));
      proxies.add(new CompressingClientProxy(new LocalClientProxy("hostile", failingThenHonest, pool)));
      return new Federation(strategy(), new StaticClientPool(proxies), config, List.of()).run(initial);
    } finally {
      pool.shutdownNow();
    }
  }
}
