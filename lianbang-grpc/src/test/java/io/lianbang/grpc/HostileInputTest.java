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
import io.lianbang.core.tensor.Tensor;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.proto.v1.DType;
import io.lianbang.grpc.proto.v1.DownloadRequest;
import io.lianbang.grpc.proto.v1.EvaluateOutput;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import io.lianbang.grpc.proto.v1.FitOutput;
import io.lianbang.grpc.proto.v1.GetTaskRequest;
import io.lianbang.grpc.proto.v1.HeartbeatRequest;
import io.lianbang.grpc.proto.v1.ParametersSpec;
import io.lianbang.grpc.proto.v1.ProtocolVersion;
import io.lianbang.grpc.proto.v1.RegisterRequest;
import io.lianbang.grpc.proto.v1.RegisterResponse;
import io.lianbang.grpc.proto.v1.ResultHeader;
import io.lianbang.grpc.proto.v1.ResultPart;
import io.lianbang.grpc.proto.v1.Task;
import io.lianbang.grpc.proto.v1.TaskError;
import io.lianbang.grpc.proto.v1.TaskRef;
import io.lianbang.grpc.proto.v1.TensorChunk;
import io.lianbang.grpc.proto.v1.TensorSpec;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import io.lianbang.grpc.wire.ChunkAssembler;
import io.lianbang.grpc.wire.ChunkEncoder;
import io.lianbang.grpc.wire.TensorSpecs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A registered client that sends every kind of hostile input, one kind per round, while two honest
 * clients train. Each is refused with a status naming the problem; the run goes on, and the final
 * model equals that of a run in which the hostile client simply failed those rounds.
 */
class HostileInputTest {
  private static final int MAX_CHUNK = 4096;
  @RegisterExtension final TestChannels net = new TestChannels();

  /** One hostile upload: what to send for a task, and what the server must answer. */
  private record Attack(String name, Function<Ctx, List<ResultPart>> parts, Status.Code code, String says) {}

  /** What an attack knows: the task, its reference and an honest result it can corrupt. */
  private record Ctx(Task task, TaskRef ref, FitResult honest) {
    ResultPart header(FitOutput.Builder fit) {
      return ResultPart.newBuilder().setHeader(ResultHeader.newBuilder().setTask(ref).setFit(fit)).build();
    }

    FitOutput.Builder fit() {
      return FitOutput.newBuilder().setParameters(TensorSpecs.of(honest.parameters())).setNumExamples(honest.numExamples())
          .putAllMetrics(honest.metrics().asMap());
    }

    List<ResultPart> chunks() {
      List<ResultPart> out = new ArrayList<>();
      new ChunkEncoder(honest.parameters(), MAX_CHUNK).forEachRemaining(c -> out.add(ResultPart.newBuilder().setChunk(c).build()));
      return out;
    }

    List<ResultPart> with(ResultPart header, List<ResultPart> chunks) {
      List<ResultPart> out = new ArrayList<>();
      out.add(header);
      out.addAll(chunks);
      return out;
    }

    List<ResultPart> withValue(float v) {
      List<ResultPart> c = chunks();
      TensorChunk first = c.get(0).getChunk();
      byte[] data = first.getData().toByteArray();
      ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putFloat(8, v);
      c.set(0, ResultPart.newBuilder().setChunk(first.toBuilder().setData(ByteString.copyFrom(data))).build());
      return with(header(fit()), c);
    }
  }

  private static final List<Attack> ATTACKS = List.of(
      new Attack("too few tensors", c -> c.with(c.header(c.fit().setParameters(
          ParametersSpec.newBuilder().addTensors(c.fit().getParameters().getTensors(0)))), c.chunks()),
          Status.Code.INVALID_ARGUMENT, "expected 2 tensors but got 1"),
      new Attack("wrong shape", c -> c.with(c.header(c.fit().setParameters(ParametersSpec.newBuilder()
          .addTensors(TensorSpec.newBuilder().setDtype(DType.DTYPE_FLOAT32).addShape(50).addShape(40))
          .addTensors(c.fit().getParameters().getTensors(1)))), c.chunks()),
          Status.Code.INVALID_ARGUMENT, "tensor[0] expected shape [40, 50] but got [50, 40]"),
      new Attack("wrong dtype", c -> c.with(c.header(c.fit().setParameters(c.fit().getParameters().toBuilder()
          .setTensors(1, c.fit().getParameters().getTensors(1).toBuilder().setDtypeValue(7)))), c.chunks()),
          Status.Code.INVALID_ARGUMENT, "tensor[1] has dtype 7"),
      new Attack("NaN", c -> c.withValue(Float.NaN), Status.Code.INVALID_ARGUMENT, "tensor[0][2] = NaN is not finite"),
      new Attack("infinity", c -> c.withValue(Float.NEGATIVE_INFINITY), Status.Code.INVALID_ARGUMENT, "tensor[0][2] = -Infinity is not finite"),
      new Attack("zero examples", c -> c.with(c.header(c.fit().setNumExamples(0)), c.chunks()),
          Status.Code.INVALID_ARGUMENT, "num_examples must be > 0, got 0"),
      new Attack("negative examples", c -> c.with(c.header(c.fit().setNumExamples(-5)), c.chunks()),
          Status.Code.INVALID_ARGUMENT, "num_examples must be > 0, got -5"),
      new Attack("oversized chunk", c -> {
        byte[] big = new byte[2 * MAX_CHUNK];
        return List.of(c.header(c.fit()), ResultPart.newBuilder().setChunk(TensorChunk.newBuilder().setData(ByteString.copyFrom(big))).build());
      }, Status.Code.INVALID_ARGUMENT, "more than the limit of 4096"),
      new Attack("truncated upload", c -> c.with(c.header(c.fit()), c.chunks().subList(0, 1)),
          Status.Code.INVALID_ARGUMENT, "upload is truncated: tensor[0] has 4096 of 8000 bytes"),
      new Attack("chunks out of order", c -> c.with(c.header(c.fit()), List.of(c.chunks().get(1), c.chunks().get(0))),
          Status.Code.INVALID_ARGUMENT, "chunk out of order: expected tensor[0] at byte 0 but got tensor[0] at byte 4096"),
      new Attack("partial value", c -> List.of(c.header(c.fit()),
          ResultPart.newBuilder().setChunk(TensorChunk.newBuilder().setData(ByteString.copyFrom(new byte[7]))).build()),
          Status.Code.INVALID_ARGUMENT, "7 bytes, not a whole number of float32 values"),
      new Attack("chunk past the end", c -> {
        List<ResultPart> chunks = new ArrayList<>(c.chunks());
        chunks.add(ResultPart.newBuilder().setChunk(TensorChunk.newBuilder().setTensorIndex(2).setData(ByteString.copyFrom(new byte[4]))).build());
        return c.with(c.header(c.fit()), chunks);
      }, Status.Code.INVALID_ARGUMENT, "arrived after all 2 tensors were complete"),
      new Attack("evaluation for a fit task", c -> List.of(ResultPart.newBuilder().setHeader(ResultHeader.newBuilder().setTask(c.ref())
          .setEvaluate(EvaluateOutput.newBuilder().setLoss(1).setNumExamples(3))).build()),
          Status.Code.INVALID_ARGUMENT, "is fit, but the result is an evaluation"),
      new Attack("NaN metric", c -> c.with(c.header(c.fit().putMetrics("train_loss", Double.NaN)), c.chunks()),
          Status.Code.INVALID_ARGUMENT, "metric train_loss is NaN"),
      new Attack("header without outcome", c -> List.of(ResultPart.newBuilder().setHeader(ResultHeader.newBuilder().setTask(c.ref())).build()),
          Status.Code.INVALID_ARGUMENT, "has no outcome"),
      new Attack("two headers", c -> List.of(c.header(c.fit()), c.header(c.fit())), Status.Code.INVALID_ARGUMENT, "a second ResultHeader"),
      new Attack("long metric name", c -> c.with(c.header(c.fit().putMetrics("m".repeat(10_000), 1.0)), c.chunks()),
          Status.Code.INVALID_ARGUMENT, "is 10000 characters, more than the limit of 128"),
      new Attack("control character in a metric name", c -> c.with(c.header(c.fit()
          .putMetrics("loss\n2024-01-01 00:00:00 WARN forged line", 1.0)), c.chunks()),
          Status.Code.INVALID_ARGUMENT, "metric name 'loss?2024-01-01 00:00:00 WARN forged line' has character U+000A at index 4"),
      new Attack("too many metrics", c -> {
        FitOutput.Builder fit = c.fit();
        for (int i = 0; i < 1000; i++) fit.putMetrics("m" + i, i);
        return c.with(c.header(fit), c.chunks());
      }, Status.Code.INVALID_ARGUMENT, "metrics has 1001 entries, more than the limit of 64"),
      new Attack("long error message", c -> List.of(ResultPart.newBuilder().setHeader(ResultHeader.newBuilder().setTask(c.ref())
          .setError(TaskError.newBuilder().setMessage("e".repeat(5000)))).build()),
          Status.Code.INVALID_ARGUMENT, "TaskError.message is 5000 characters, more than the limit of 1024"));

  private static Parameters initial() {
    float[] w = new float[2000];
    for (int i = 0; i < w.length; i++) w[i] = (float) Math.sin(i);
    return Parameters.of(Tensor.of(new int[] {40, 50}, w), Tensor.vector(1, 2, 3));
  }

  private static FedAvg strategy() {
    return FedAvg.builder().minFitClients(3).minAvailableClients(3).build();
  }

  private static byte[][] bytes(List<ResultPart> parts) {
    return parts.stream().map(ResultPart::toByteArray).toArray(byte[][]::new);
  }

  private static RawCalls.Outcome submit(ManagedChannel ch, List<ResultPart> parts) throws Exception {
    return RawCalls.call(ch, "SubmitResult", List.of(bytes(parts)));
  }

  private static void expect(RawCalls.Outcome o, Status.Code code, String says, String what) {
    assertEquals(code, o.status().getCode(), what + ": " + o.status());
    String description = String.valueOf(o.status().getDescription());
    assertTrue(description.contains(says), what + ": " + description);
    // What the peer sent is never echoed at length nor with control characters (the description is logged too).
    assertTrue(description.length() <= 400 && description.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f), what + ": " + description);
  }

  @Test
  void everyKindOfHostileInputIsRefusedAndTheRunContinues() throws Exception {
    int rounds = ATTACKS.size() + 1;
    FederationConfig config = FederationConfig.of(rounds, 5).withRoundTimeout(Duration.ofSeconds(20)).withQuorum(0.5);
    String name = InProcessServerBuilder.generateName();
    ServerSettings settings = ServerSettings.defaults("hostile-run").withAllowAnonymous(true).withMaxChunkBytes(MAX_CHUNK);
    try (FederationServer server = FederationServer.start(InProcessServerBuilder.forName(name), settings)) {
      for (int i = 0; i < 2; i++) {
        net.submit(new FederationClient(net.inProcess(name), TestClients.pulling(i, 0), ClientSettings.defaults("good-" + (i + 1)))::run);
      }
      ManagedChannel ch = net.inProcess(name);
      FederationGrpc.FederationBlockingStub stub = FederationGrpc.newBlockingStub(ch);
      RegisterResponse session = TestChannels.register(ch, "hostile");
      Future<RunResult> run = net.submit(() -> new Federation(strategy(), server.clients(), config, List.of()).run(initial()));
      Client hostileModel = TestClients.pulling(2, 0);

      TaskRef previous = null;
      for (int round = 1; round <= rounds; round++) {
        Task task = stub.withDeadlineAfter(10, TimeUnit.SECONDS)
            .getTask(GetTaskRequest.newBuilder().setSessionId(session.getSessionId()).setMaxWaitMs(5000).build());
        assertTrue(task.hasFit(), "round " + round + " gives a fit task, got " + task.getKindCase());
        assertEquals(round, task.getRound());
        TaskRef ref = TaskRef.newBuilder().setSessionId(session.getSessionId()).setRunId(task.getRunId())
            .setRound(task.getRound()).setTaskId(task.getTaskId()).build();
        Parameters global = download(stub, ref, task.getFit().getParameters());
        FitResult honest = hostileModel.fit(new FitTask(round, global, io.lianbang.grpc.wire.Values.fromProto(task.getFit().getConfigMap()), task.getFit().getSeed()));
        Ctx ctx = new Ctx(task, ref, honest);

        if (round == 1) {
          // Faults that cannot be pinned on the open task are refused and leave it open.
          expect(submit(ch, ctx.with(ResultPart.newBuilder().setHeader(ResultHeader.newBuilder().setTask(ref.toBuilder().setSessionId("forged"))
              .setFit(ctx.fit())).build(), ctx.chunks())), Status.Code.NOT_FOUND, "unknown session", "forged session");
          expect(submit(ch, replaceRef(ctx, ref.toBuilder().setRunId("another-run").build())),
              Status.Code.FAILED_PRECONDITION, "is not the current run", "other run");
          expect(submit(ch, replaceRef(ctx, ref.toBuilder().setTaskId("r1-fit-000").build())), Status.Code.NOT_FOUND, "unknown task", "unknown task");
          expect(submit(ch, replaceRef(ctx, ref.toBuilder().setRound(7).build())), Status.Code.FAILED_PRECONDITION, "stale round", "wrong round");
          expect(submit(ch, ctx.chunks()), Status.Code.INVALID_ARGUMENT, "must be a ResultHeader", "chunk first");
          expect(submit(ch, List.of()), Status.Code.INVALID_ARGUMENT, "without a ResultHeader", "empty upload");
          expect(submit(ch, List.of(ResultPart.getDefaultInstance())), Status.Code.INVALID_ARGUMENT, "neither a header nor a chunk", "empty part");
          RawCalls.Outcome garbage = RawCalls.call(ch, "SubmitResult", List.of(new byte[] {(byte) 0xff, (byte) 0xff, 0x13, 0x37, 0x00}));
          expect(garbage, Status.Code.INVALID_ARGUMENT, "a SubmitResult message is not valid protobuf", "garbage bytes");
          expect(RawCalls.call(ch, "DownloadParameters", List.of(DownloadRequest.newBuilder().setTask(ref.toBuilder().setRound(0)).build().toByteArray())),
              Status.Code.FAILED_PRECONDITION, "stale round", "download of a stale round");
          expect(RawCalls.call(ch, "Register", List.of(RegisterRequest.newBuilder().setProtocolVersionValue(2).setClientName("x").build().toByteArray())),
              Status.Code.FAILED_PRECONDITION, "protocol version 2 is not supported", "future protocol");
          expect(RawCalls.call(ch, "Register", List.of(RegisterRequest.newBuilder().setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1)
              .setClientName("bad name\n").build().toByteArray())), Status.Code.INVALID_ARGUMENT, "client_name", "bad name");
          // Identifiers longer than any the server issues are refused before any lookup.
          expect(submit(ch, replaceRef(ctx, ref.toBuilder().setTaskId("t".repeat(5000)).build())), Status.Code.INVALID_ARGUMENT,
              "task_id is 5000 characters, more than the limit of 128", "long task id");
          expect(RawCalls.call(ch, "Heartbeat", List.of(HeartbeatRequest.newBuilder().setSessionId("s".repeat(5000)).build().toByteArray())),
              Status.Code.INVALID_ARGUMENT, "session_id is 5000 characters, more than the limit of 128", "long session id");
        }
        if (previous != null) {
          // The previous round's task is closed: its result is stale now.
          expect(submit(ch, replaceRef(ctx, previous)), Status.Code.FAILED_PRECONDITION, "is closed", "stale task of round " + (round - 1));
        }
        if (round <= ATTACKS.size()) {
          Attack a = ATTACKS.get(round - 1);
          expect(submit(ch, a.parts().apply(ctx)), a.code(), a.says(), a.name());
          // The task closed as invalid: even an honest retry is now refused as a duplicate.
          expect(submit(ch, ctx.with(ctx.header(ctx.fit()), ctx.chunks())), Status.Code.FAILED_PRECONDITION, "is closed", "retry after " + a.name());
        } else {
          RawCalls.Outcome ok = submit(ch, ctx.with(ctx.header(ctx.fit()), ctx.chunks()));
          assertTrue(ok.status().isOk(), "an honest result is accepted: " + ok.status());
          expect(submit(ch, ctx.with(ctx.header(ctx.fit()), ctx.chunks())), Status.Code.FAILED_PRECONDITION, "is closed", "duplicate");
        }
        previous = ref;
      }
      RunResult result = run.get(60, TimeUnit.SECONDS);
      server.finish("done", Duration.ofSeconds(2));

      for (RoundRecord r : result.history().rounds()) {
        if (r.round() <= ATTACKS.size()) {
          assertEquals(2, r.succeeded(), "round " + r.round());
          assertTrue(r.updated());
          ClientFailure f = r.failures().get(0);
          assertEquals("hostile", f.clientId());
          assertEquals(ClientFailure.Kind.INVALID, f.kind());
          assertTrue(f.message().contains(ATTACKS.get(r.round() - 1).says()), f.message());
        } else {
          assertEquals(3, r.succeeded());
        }
      }
      assertArrayEquals(reference(rounds, config).parameters().flatten(), result.parameters().flatten(),
          "every accepted result counted, every refused one did not");
    }
  }

  private static List<ResultPart> replaceRef(Ctx ctx, TaskRef ref) {
    List<ResultPart> out = new ArrayList<>();
    out.add(ResultPart.newBuilder().setHeader(ResultHeader.newBuilder().setTask(ref).setFit(ctx.fit())).build());
    out.addAll(ctx.chunks());
    return out;
  }

  private static Parameters download(FederationGrpc.FederationBlockingStub stub, TaskRef ref, ParametersSpec spec) {
    ChunkAssembler a = new ChunkAssembler(TensorSpecs.shapes(spec), MAX_CHUNK, true);
    Iterator<TensorChunk> it = stub.withDeadlineAfter(10, TimeUnit.SECONDS).downloadParameters(DownloadRequest.newBuilder().setTask(ref).build());
    it.forEachRemaining(a::accept);
    return a.finish();
  }

  /** The same run in one JVM, where the hostile client fails every round but the last. */
  private static RunResult reference(int rounds, FederationConfig config) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Client honestThenFailing = new Client() {
        final Client model = TestClients.pulling(2, 0);

        @Override
        public FitResult fit(FitTask task) {
          if (task.round() < rounds) throw new IllegalStateException("fails");
          return model.fit(task);
        }

        @Override
        public EvalResult evaluate(EvalTask task) {
          return model.evaluate(task);
        }
      };
      List<ClientProxy> proxies = List.of(new LocalClientProxy("good-1", TestClients.pulling(0, 0), pool),
          new LocalClientProxy("good-2", TestClients.pulling(1, 0), pool), new LocalClientProxy("hostile", honestThenFailing, pool));
      return new Federation(strategy(), new StaticClientPool(proxies), config, List.of()).run(initial());
    } finally {
      pool.shutdownNow();
    }
  }
}
