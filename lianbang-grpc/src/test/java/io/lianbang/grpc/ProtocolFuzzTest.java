package io.lianbang.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.inprocess.InProcessServerBuilder;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.proto.v1.DownloadRequest;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import io.lianbang.grpc.proto.v1.FitOutput;
import io.lianbang.grpc.proto.v1.GetTaskRequest;
import io.lianbang.grpc.proto.v1.HeartbeatRequest;
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
import io.lianbang.grpc.wire.Values;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sends 1,100 random and mutated messages (seeded, so failures reproduce) to every method while
 * a federation runs, and checks that each call ends with a status in bounded time, the run
 * completes its rounds on the honest clients' results, and the server still accepts clients.
 */
class ProtocolFuzzTest {
  private static final int PER_ROUND = 500;
  private static final int REGISTER_CALLS = 100;
  @RegisterExtension final TestChannels net = new TestChannels();

  @Test
  void mutatedMessagesNeverBreakTheServer() throws Exception {
    SplittableRandom rng = new SplittableRandom(20240607);
    String name = InProcessServerBuilder.generateName();
    ServerSettings settings = ServerSettings.defaults("fuzz-run").withHeartbeatInterval(Duration.ofSeconds(2))
        .withMaxPoll(Duration.ofMillis(100)).withMaxChunkBytes(4096).withAllowAnonymous(true);
    Map<Status.Code, Integer> codes = new EnumMap<>(Status.Code.class);
    int calls = 0;
    try (FederationServer server = FederationServer.start(InProcessServerBuilder.forName(name), settings)) {
      for (int i = 0; i < 2; i++) {
        net.submit(new FederationClient(net.inProcess(name), TestClients.pulling(i, 0), ClientSettings.defaults("honest-" + i))::run);
      }
      ManagedChannel ch = net.inProcess(name);
      FederationGrpc.FederationBlockingStub stub = FederationGrpc.newBlockingStub(ch);
      RegisterResponse session = TestChannels.register(ch, "fuzzer");
      FedAvg strategy = FedAvg.builder().minFitClients(3).minAvailableClients(3).build();
      FederationConfig config = FederationConfig.of(2, 1).withRoundTimeout(Duration.ofSeconds(30));
      Parameters initial = TestClients.initial();
      Future<RunResult> run = net.submit(() -> new Federation(strategy, server.clients(), config, List.of()).run(initial));

      for (int round = 1; round <= 2; round++) {
        Task task = Task.getDefaultInstance();
        for (int attempt = 0; attempt < 200 && !task.hasFit(); attempt++) { // polls are held 100 ms at most
          task = stub.withDeadlineAfter(10, TimeUnit.SECONDS)
              .getTask(GetTaskRequest.newBuilder().setSessionId(session.getSessionId()).setMaxWaitMs(5000).build());
        }
        assertTrue(task.hasFit(), "a fit task arrives: " + task);
        TaskRef ref = TaskRef.newBuilder().setSessionId(session.getSessionId()).setRunId(task.getRunId())
            .setRound(task.getRound()).setTaskId(task.getTaskId()).build();
        ChunkAssembler a = new ChunkAssembler(TensorSpecs.shapes(task.getFit().getParameters()), 4096, true);
        stub.withDeadlineAfter(10, TimeUnit.SECONDS).downloadParameters(DownloadRequest.newBuilder().setTask(ref).build()).forEachRemaining(a::accept);
        FitResult honest = TestClients.pulling(2, 0).fit(new FitTask(task.getRound(), a.finish(),
            Values.fromProto(task.getFit().getConfigMap()), task.getFit().getSeed()));
        List<byte[]> valid = new ArrayList<>();
        valid.add(ResultPart.newBuilder().setHeader(ResultHeader.newBuilder().setTask(ref).setFit(FitOutput.newBuilder()
            .setParameters(TensorSpecs.of(honest.parameters())).setNumExamples(honest.numExamples())
            .putAllMetrics(honest.metrics().asMap()))).build().toByteArray());
        new ChunkEncoder(honest.parameters(), 4096).forEachRemaining(c -> valid.add(ResultPart.newBuilder().setChunk(c).build().toByteArray()));
        byte[][] others = {
            DownloadRequest.newBuilder().setTask(ref).build().toByteArray(),
            GetTaskRequest.newBuilder().setSessionId(session.getSessionId()).setMaxWaitMs(50).build().toByteArray(),
            HeartbeatRequest.newBuilder().setSessionId(session.getSessionId()).build().toByteArray()};
        String[] otherMethods = {"DownloadParameters", "GetTask", "Heartbeat"};

        for (int i = 0; i < PER_ROUND; i++) {
          RawCalls.Outcome o;
          if (rng.nextInt(4) > 0) {
            o = RawCalls.call(ch, "SubmitResult", mutateStream(valid, rng));
          } else {
            int m = rng.nextInt(others.length);
            o = RawCalls.call(ch, otherMethods[m], List.of(mutate(others[m], rng)));
          }
          codes.merge(o.status().getCode(), 1, Integer::sum);
          calls++;
        }
        // The fuzzer may or may not have closed its own task; either way the round completes now.
        RawCalls.call(ch, "SubmitResult", valid);
      }
      RunResult result = run.get(60, TimeUnit.SECONDS);
      assertEquals(2, result.history().rounds().size());
      for (RoundRecord r : result.history().rounds()) {
        assertTrue(r.updated() && r.succeeded() >= 2, "round " + r.round() + " completed on the honest clients: " + r);
      }

      byte[] register = RegisterRequest.newBuilder().setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1).setClientName("late").build().toByteArray();
      for (int i = 0; i < REGISTER_CALLS; i++) {
        codes.merge(RawCalls.call(ch, "Register", List.of(mutate(register, rng))).status().getCode(), 1, Integer::sum);
        calls++;
      }
      RegisterResponse after = TestChannels.register(ch, "after-the-storm");
      assertEquals("after-the-storm", after.getClientId());
      server.finish("done", Duration.ofSeconds(2));
    }
    assertEquals(PER_ROUND * 2 + REGISTER_CALLS, calls);
    assertTrue(codes.size() >= 4, "the fuzzer reached several distinct checks: " + codes);
    assertTrue(!codes.containsKey(Status.Code.UNKNOWN), "no unhandled exception escaped: " + codes);
  }

  private static List<byte[]> mutateStream(List<byte[]> valid, SplittableRandom rng) {
    List<byte[]> out = new ArrayList<>(valid);
    switch (rng.nextInt(5)) {
      case 0 -> out.remove(rng.nextInt(out.size()));
      case 1 -> out.add(rng.nextInt(out.size() + 1), out.get(rng.nextInt(out.size())));
      case 2 -> java.util.Collections.swap(out, rng.nextInt(out.size()), rng.nextInt(out.size()));
      default -> { }
    }
    if (out.isEmpty()) return out;
    int k = 1 + rng.nextInt(2);
    for (int i = 0; i < k; i++) {
      int at = rng.nextInt(out.size());
      out.set(at, mutate(out.get(at), rng));
    }
    return out;
  }

  /** One random mutation: bit flips, a random byte, truncation, insertion, or all-random bytes. */
  static byte[] mutate(byte[] in, SplittableRandom rng) {
    byte[] b = in.clone();
    switch (rng.nextInt(6)) {
      case 0 -> {
        for (int i = 0, n = 1 + rng.nextInt(4); i < n && b.length > 0; i++) b[rng.nextInt(b.length)] ^= (byte) (1 << rng.nextInt(8));
      }
      case 1 -> {
        if (b.length > 0) b[rng.nextInt(b.length)] = (byte) rng.nextInt(256);
      }
      case 2 -> b = java.util.Arrays.copyOf(b, b.length == 0 ? 0 : rng.nextInt(b.length));
      case 3 -> {
        int at = rng.nextInt(b.length + 1);
        byte[] extra = new byte[1 + rng.nextInt(16)];
        rng.nextBytes(extra);
        byte[] c = new byte[b.length + extra.length];
        System.arraycopy(b, 0, c, 0, at);
        System.arraycopy(extra, 0, c, at, extra.length);
        System.arraycopy(b, at, c, at + extra.length, b.length - at);
        b = c;
      }
      case 4 -> {
        b = new byte[rng.nextInt(64)];
        rng.nextBytes(b);
      }
      default -> { } // unchanged: a replay
    }
    return b;
  }
}
