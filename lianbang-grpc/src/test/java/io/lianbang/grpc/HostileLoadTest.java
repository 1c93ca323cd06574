package io.lianbang.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lianbang.core.client.Client;
import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.LocalClientProxy;
import io.lianbang.core.federation.Federation;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.RunResult;
import io.lianbang.core.federation.StaticClientPool;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.grpc.client.ClientChannels;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.proto.v1.DType;
import io.lianbang.grpc.proto.v1.DownloadRequest;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import io.lianbang.grpc.proto.v1.FitOutput;
import io.lianbang.grpc.proto.v1.GetTaskRequest;
import io.lianbang.grpc.proto.v1.ParametersSpec;
import io.lianbang.grpc.proto.v1.ProtocolVersion;
import io.lianbang.grpc.proto.v1.RegisterRequest;
import io.lianbang.grpc.proto.v1.RegisterResponse;
import io.lianbang.grpc.proto.v1.ResultHeader;
import io.lianbang.grpc.proto.v1.ResultPart;
import io.lianbang.grpc.proto.v1.Task;
import io.lianbang.grpc.proto.v1.TaskRef;
import io.lianbang.grpc.proto.v1.TensorSpec;
import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import io.lianbang.grpc.wire.ChunkEncoder;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two honest clients and one attacker in one run over loopback. The attacker, with a valid token
 * of its own, sends a metric name of 70,000 characters (refused), claims 10^12 examples (clipped
 * to the server's limit), floods downloads (refused beyond the per-session limit), tries to
 * register without credentials under an honest client's name (refused), opens idle TCP
 * connections from another address (closed), and declares a 4 GiB model in an upload (refused
 * before anything is allocated). The honest clients finish, the final model equals, bit for bit,
 * the same run in one JVM where the attacker's refused rounds are failures and its clipped round
 * counts with the limit's weight, and the server's heap stays bounded through the floods.
 */
class HostileLoadTest {
  private static final long MAX_EXAMPLES = 1000;
  private static final int ROUNDS = 3;
  private static final Map<String, String> TOKENS = Map.of(
      "token-of-honest-a-0123456789", "honest-a", "token-of-honest-b-0123456789", "honest-b", "token-of-mallory-0123456789", "mallory");

  /** 2 MiB and a bit (more than a client's flow-control window): large enough that an unbounded buffer per attack would show in the heap. */
  private static Parameters initial() {
    float[] w = new float[512 * 1024];
    for (int i = 0; i < w.length; i++) w[i] = (float) Math.cos(i) * 0.01f;
    return Parameters.of(Tensor.of(new int[] {512, 1024}, w), Tensor.vector(1, 2));
  }

  /** What mallory's clipped round contributes: every value 5, with the weight of the limit. */
  private static Parameters fives() {
    float[] w = new float[512 * 1024];
    Arrays.fill(w, 5f);
    return Parameters.of(Tensor.of(new int[] {512, 1024}, w), Tensor.vector(5, 5));
  }

  private static FedAvg strategy() {
    return FedAvg.builder().minFitClients(3).minAvailableClients(3).build();
  }

  private static FederationConfig config() {
    return FederationConfig.of(ROUNDS, 11).withRoundTimeout(Duration.ofSeconds(60)).withMaxExamples(MAX_EXAMPLES);
  }

  /** The run in one JVM: mallory fails rounds 1 and 3, and in round 2 sends fives with the limit's weight. */
  private static RunResult reference() throws InterruptedException {
    Client twin = new Client() {
      @Override
      public FitResult fit(FitTask task) {
        if (task.round() != 2) throw new IllegalStateException("refused");
        return new FitResult(fives(), MAX_EXAMPLES, Metrics.empty());
      }

      @Override
      public EvalResult evaluate(EvalTask task) {
        throw new IllegalStateException("not asked");
      }
    };
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<ClientProxy> proxies = List.of(new LocalClientProxy("honest-a", TestClients.pulling(0, 0), pool),
          new LocalClientProxy("honest-b", TestClients.pulling(1, 0), pool), new LocalClientProxy("mallory", twin, pool));
      return new Federation(strategy(), new StaticClientPool(proxies), config(), List.of()).run(initial());
    } finally {
      pool.shutdownNow();
    }
  }

  private static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Test
  void honestClientsAreUnaffectedAndTheServerStaysBounded() throws Exception {
    RunResult expected = reference();
    ExecutorService threads = Executors.newCachedThreadPool();
    List<ManagedChannel> channels = new ArrayList<>();
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0)
        .settings(ServerSettings.defaults("hostile").withTokens(TOKENS)).start()) {
      String target = "127.0.0.1:" + server.port();
      int i = 0;
      for (String name : List.of("honest-a", "honest-b")) {
        String token = TOKENS.entrySet().stream().filter(e -> e.getValue().equals(name)).findFirst().orElseThrow().getKey();
        ManagedChannel c = ClientChannels.open(target, null, token, true);
        channels.add(c);
        FederationClient fc = new FederationClient(c, TestClients.pulling(i++, 0), ClientSettings.defaults(name));
        threads.submit(fc::run);
      }
      ManagedChannel mallory = ClientChannels.open(target, null, "token-of-mallory-0123456789", true);
      ManagedChannel anonymous = ClientChannels.open(target, null, null, true);
      channels.add(mallory);
      channels.add(anonymous);
      // Downloads that read nothing stay open only while the model exceeds the client's receive
      // window: fix the window (gRPC's automatic tuning could grow it past the model).
      Metadata bearer = new Metadata();
      bearer.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer token-of-mallory-0123456789");
      ManagedChannel narrow = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
          .flowControlWindow(64 << 10).intercept(MetadataUtils.newAttachHeadersInterceptor(bearer)).build();
      channels.add(narrow);
      FederationGrpc.FederationBlockingStub stub = FederationGrpc.newBlockingStub(mallory);
      RegisterResponse session = stub.withDeadlineAfter(10, TimeUnit.SECONDS).register(RegisterRequest.newBuilder()
          .setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1).setClientName("mallory").build());
      Future<RunResult> run = threads.submit(() -> new Federation(strategy(), server.clients(), config(), List.of()).run(initial()));

      for (int round = 1; round <= ROUNDS; round++) {
        Task task = nextFit(stub, session);
        TaskRef ref = TaskRef.newBuilder().setSessionId(session.getSessionId()).setRunId(task.getRunId())
            .setRound(task.getRound()).setTaskId(task.getTaskId()).build();
        ParametersSpec layout = task.getFit().getParameters();
        switch (round) {
          case 1 -> { // point 6: a metric name of 70,000 characters
            ResultHeader h = ResultHeader.newBuilder().setTask(ref).setFit(FitOutput.newBuilder().setParameters(layout)
                .setNumExamples(10).putMetrics("m".repeat(70_000), 1.0)).build();
            expect(Status.Code.INVALID_ARGUMENT, "metric name", upload(mallory, h, null));
          }
          case 2 -> { // point 8: 10^12 examples, clipped to the limit
            ResultHeader h = ResultHeader.newBuilder().setTask(ref).setFit(FitOutput.newBuilder().setParameters(layout)
                .setNumExamples(1_000_000_000_000L)).build();
            expect(Status.Code.OK, "", upload(mallory, h, fives()));
          }
          default -> {
            long before = heapAfterGc();
            // point 3: stalled downloads beyond the session's limit
            byte[] request = DownloadRequest.newBuilder().setTask(ref).build().toByteArray();
            // Three downloads that read nothing: whichever the server sees last is refused (they
            // race to the session's limit of 2), the other two stay open.
            List<RawCalls.Stream> stalled = new ArrayList<>();
            for (int d = 0; d < 3; d++) stalled.add(RawCalls.open(narrow, "DownloadParameters", 0, 60).send(request).halfClose());
            java.util.concurrent.CompletableFuture.anyOf(stalled.stream().map(RawCalls.Stream::closed)
                .toArray(java.util.concurrent.CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
            Thread.sleep(300);
            List<Status> ended = stalled.stream().filter(c -> c.closed().isDone()).map(c -> c.closed().join()).toList();
            assertEquals(1, ended.size(), "exactly one of three downloads is refused: " + ended);
            expect(Status.Code.RESOURCE_EXHAUSTED, "parameter downloads open", ended.get(0));
            // point 7: no credentials, an honest client's name
            StatusRuntimeException takeover = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
                () -> FederationGrpc.newBlockingStub(anonymous).withDeadlineAfter(10, TimeUnit.SECONDS).register(RegisterRequest
                    .newBuilder().setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1).setClientName("honest-a").build()));
            assertEquals(Status.Code.UNAUTHENTICATED, takeover.getStatus().getCode(), takeover.toString());
            // point 9: idle connections from another address
            List<Socket> idle = new ArrayList<>();
            try {
              for (int s = 0; s < 60; s++) {
                Socket socket = new Socket();
                socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.3"), 0));
                socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
                idle.add(socket);
              }
              long during = heapAfterGc();
              assertTrue(during - before < 32L << 20, "the floods cost " + ((during - before) >> 20) + " MiB of server heap");
            } finally {
              for (Socket s : idle) s.close();
            }
            // point 11 on the server: an upload declaring a 4 GiB model
            ParametersSpec huge = ParametersSpec.newBuilder().addTensors(TensorSpec.newBuilder().setDtype(DType.DTYPE_FLOAT32)
                .addShape(1L << 30)).build();
            ResultHeader h = ResultHeader.newBuilder().setTask(ref).setFit(FitOutput.newBuilder().setParameters(huge).setNumExamples(10)).build();
            expect(Status.Code.INVALID_ARGUMENT, "parameters", upload(mallory, h, null));
            for (RawCalls.Stream s : stalled) s.call().cancel("done", null); // the server ended them with the task
          }
        }
      }

      RunResult actual = run.get(120, TimeUnit.SECONDS);
      server.finish("done", Duration.ofSeconds(5));
      for (RoundRecord r : actual.history().rounds()) {
        assertEquals(2 + (r.round() == 2 ? 1 : 0), r.succeeded(), r.toString());
        assertTrue(r.updated(), r.toString());
      }
      assertEquals(1.0, actual.history().rounds().get(1).fitMetrics().get(Federation.CLIPPED_METRIC).orElseThrow());
      for (int t = 0; t < expected.parameters().count(); t++) {
        assertArrayEquals(expected.parameters().tensor(t).toArray(), actual.parameters().tensor(t).toArray(),
            "tensor " + t + " equals the run without the refused attacks");
      }
    } finally {
      channels.forEach(ManagedChannel::shutdownNow);
      threads.shutdownNow();
    }
  }

  private static Task nextFit(FederationGrpc.FederationBlockingStub stub, RegisterResponse session) {
    for (int polls = 0; polls < 20; polls++) {
      Task t = stub.withDeadlineAfter(30, TimeUnit.SECONDS).getTask(GetTaskRequest.newBuilder()
          .setSessionId(session.getSessionId()).setMaxWaitMs(5000).build());
      if (t.hasFit()) return t;
    }
    throw new AssertionError("no fit task for mallory");
  }

  /** Uploads {@code header} and, if given, the chunks of {@code values}; the call's status. */
  private static Status upload(ManagedChannel channel, ResultHeader header, Parameters values) throws Exception {
    List<byte[]> messages = new ArrayList<>();
    messages.add(ResultPart.newBuilder().setHeader(header).build().toByteArray());
    if (values != null) {
      new ChunkEncoder(values, 1 << 20).forEachRemaining(c -> messages.add(ResultPart.newBuilder().setChunk(c).build().toByteArray()));
    }
    return RawCalls.call(channel, "SubmitResult", messages).status();
  }

  private static void expect(Status.Code code, String text, Status status) {
    assertEquals(code, status.getCode(), status.toString());
    assertTrue(status.getDescription() == null ? text.isEmpty() : status.getDescription().contains(text), status.toString());
  }
}
