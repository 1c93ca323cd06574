package io.lianbang.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.proto.v1.DType;
import io.lianbang.grpc.proto.v1.DownloadRequest;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import io.lianbang.grpc.proto.v1.FinishInstruction;
import io.lianbang.grpc.proto.v1.FitInstruction;
import io.lianbang.grpc.proto.v1.GetTaskRequest;
import io.lianbang.grpc.proto.v1.HeartbeatRequest;
import io.lianbang.grpc.proto.v1.HeartbeatResponse;
import io.lianbang.grpc.proto.v1.ParametersSpec;
import io.lianbang.grpc.proto.v1.RegisterRequest;
import io.lianbang.grpc.proto.v1.RegisterResponse;
import io.lianbang.grpc.proto.v1.ResultHeader;
import io.lianbang.grpc.proto.v1.ResultPart;
import io.lianbang.grpc.proto.v1.SubmitResponse;
import io.lianbang.grpc.proto.v1.Task;
import io.lianbang.grpc.proto.v1.TensorChunk;
import io.lianbang.grpc.proto.v1.TensorSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A hostile server declares models far larger than the client accepts: the client refuses each
 * task before allocating or downloading anything, reports a {@code TaskError} naming the declared
 * size and its limit, and keeps serving.
 */
class HostileServerLayoutTest {

  /** Hands out the given tasks, one per poll, then FINISH; records downloads and result headers. */
  private static final class HostileServer extends FederationGrpc.FederationImplBase {
    private final List<Task> tasks;
    private final AtomicInteger polls = new AtomicInteger();
    final AtomicInteger downloads = new AtomicInteger();
    final List<ResultHeader> results = new CopyOnWriteArrayList<>();

    HostileServer(List<Task> tasks) {
      this.tasks = tasks;
    }

    @Override
    public void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
      response.onNext(RegisterResponse.newBuilder().setSessionId("s").setRunId("hostile").setClientId(request.getClientName())
          .setHeartbeatIntervalMs(60_000).setMaxChunkBytes(1 << 20).build());
      response.onCompleted();
    }

    @Override
    public void getTask(GetTaskRequest request, StreamObserver<Task> response) {
      int i = polls.getAndIncrement();
      response.onNext(i < tasks.size() ? tasks.get(i)
          : Task.newBuilder().setRunId("hostile").setFinish(FinishInstruction.newBuilder().setReason("done")).build());
      response.onCompleted();
    }

    @Override
    public void downloadParameters(DownloadRequest request, StreamObserver<TensorChunk> response) {
      downloads.incrementAndGet();
      response.onError(Status.FAILED_PRECONDITION.withDescription("this server sends no parameters").asRuntimeException());
    }

    @Override
    public StreamObserver<ResultPart> submitResult(StreamObserver<SubmitResponse> response) {
      return new StreamObserver<>() {
        @Override
        public void onNext(ResultPart part) {
          if (part.hasHeader()) results.add(part.getHeader());
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          response.onNext(SubmitResponse.newBuilder().setAccepted(false).build());
          response.onCompleted();
        }
      };
    }

    final List<io.lianbang.grpc.proto.v1.EncryptedPart> encrypted = new CopyOnWriteArrayList<>();

    @Override
    public void submitEncrypted(io.lianbang.grpc.proto.v1.EncryptedPart part,
        StreamObserver<io.lianbang.grpc.proto.v1.EncryptedAck> response) {
      encrypted.add(part);
      response.onNext(io.lianbang.grpc.proto.v1.EncryptedAck.newBuilder().setAccepted(false).build());
      response.onCompleted();
    }

    @Override
    public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> response) {
      response.onNext(HeartbeatResponse.getDefaultInstance());
      response.onCompleted();
    }
  }

  private static Task fit(String id, ParametersSpec layout) {
    return Task.newBuilder().setRunId("hostile").setRound(1).setTaskId(id).setDeadlineUnixMs(System.currentTimeMillis() + 60_000)
        .setFit(FitInstruction.newBuilder().setParameters(layout)).build();
  }

  @Test
  void declaredModelsBeyondTheLimitsAreRefusedBeforeAnyAllocation() throws Exception {
    ParametersSpec.Builder huge = ParametersSpec.newBuilder();
    for (int i = 0; i < 3; i++) huge.addTensors(TensorSpec.newBuilder().setDtype(DType.DTYPE_FLOAT32).addShape(20_000).addShape(20_000));
    ParametersSpec.Builder many = ParametersSpec.newBuilder();
    TensorSpec scalar = TensorSpec.newBuilder().setDtype(DType.DTYPE_FLOAT32).build();
    for (int i = 0; i < 150_000; i++) many.addTensors(scalar);
    HostileServer hostile = new HostileServer(List.of(fit("huge", huge.build()), fit("many", many.build())));

    String name = InProcessServerBuilder.generateName();
    ExecutorService executor = Executors.newFixedThreadPool(2);
    Server server = InProcessServerBuilder.forName(name).executor(executor).addService(hostile).build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    try {
      FederationClient.Summary s = new FederationClient(channel, TestClients.pulling(0, 0), ClientSettings.defaults("victim")
          .withGiveUpAfter(Duration.ofSeconds(20)).withBackoff(Duration.ofMillis(50), Duration.ofMillis(200))).run();

      assertEquals("done", s.finishReason());
      assertEquals(0, hostile.downloads.get(), "nothing was downloaded");
      assertEquals(List.of("huge", "many"), hostile.results.stream().map(h -> h.getTask().getTaskId()).toList());
      String bytes = hostile.results.get(0).getError().getMessage();
      assertTrue(bytes.contains("4800000000 bytes") && bytes.contains("maxModelBytes = 1073741824"), bytes);
      String count = hostile.results.get(1).getError().getMessage();
      assertTrue(count.contains("150000 tensors") && count.contains("maxModelTensors = 100000"), count);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      executor.shutdownNow();
    }
  }

  /**
   * A delta download against a round the client does not hold: the client reports a
   * {@code TaskError} naming the base round and what it holds, and downloads nothing.
   */
  @Test
  void aDeltaAgainstARoundTheClientDoesNotHoldIsRefused() throws Exception {
    Task delta = Task.newBuilder().setRunId("hostile").setRound(6).setTaskId("delta").setDeadlineUnixMs(System.currentTimeMillis() + 60_000)
        .setFit(FitInstruction.newBuilder().setParameters(io.lianbang.grpc.wire.TensorSpecs.of(TestClients.initial()))
            .setDownloadEncoding(io.lianbang.grpc.proto.v1.Encoding.newBuilder().setCodec("int8")).setDownloadBaseRound(5)).build();
    HostileServer hostile = new HostileServer(List.of(delta));
    String name = InProcessServerBuilder.generateName();
    ExecutorService executor = Executors.newFixedThreadPool(2);
    Server server = InProcessServerBuilder.forName(name).executor(executor).addService(hostile).build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    try {
      FederationClient.Summary s = new FederationClient(channel, TestClients.pulling(0, 0), ClientSettings.defaults("victim")
          .withGiveUpAfter(Duration.ofSeconds(20)).withBackoff(Duration.ofMillis(50), Duration.ofMillis(200))).run();
      assertEquals("done", s.finishReason());
      assertEquals(0, hostile.downloads.get(), "nothing was downloaded");
      assertEquals(List.of("delta"), hostile.results.stream().map(h -> h.getTask().getTaskId()).toList());
      String error = hostile.results.get(0).getError().getMessage();
      assertTrue(error.contains("download_base_round is 5 but this client holds no fit round's start"), error);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      executor.shutdownNow();
    }
  }

  private static Task paillier(String id, java.math.BigInteger modulus) {
    return Task.newBuilder().setRunId("hostile").setRound(1).setTaskId(id).setDeadlineUnixMs(System.currentTimeMillis() + 60_000)
        .setPaillier(io.lianbang.grpc.proto.v1.PaillierInstruction.newBuilder()
            .setModulus(com.google.protobuf.ByteString.copyFrom(modulus.toByteArray())).setLength(5)).build();
  }

  /**
   * A Paillier modulus of 16384 bits, sent as a server sends it (two's complement, with a leading
   * zero byte), is accepted; one of 16385 bits is refused: the client answers with an error
   * instead of encrypting.
   */
  @Test
  void aPaillierModulusBeyond16384BitsIsRefused() throws Exception {
    java.math.BigInteger largest = java.math.BigInteger.ONE.shiftLeft(16384).subtract(java.math.BigInteger.ONE);
    HostileServer hostile = new HostileServer(List.of(paillier("largest", largest), paillier("beyond", largest.add(java.math.BigInteger.TWO))));
    String name = InProcessServerBuilder.generateName();
    ExecutorService executor = Executors.newFixedThreadPool(2);
    Server server = InProcessServerBuilder.forName(name).executor(executor).addService(hostile).build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    try {
      io.lianbang.privacy.paillier.PaillierClient client = new io.lianbang.privacy.paillier.PaillierClient(TestClients.pulling(0, 0),
          new java.security.SecureRandom());
      FederationClient.Summary s = new FederationClient(channel, client, ClientSettings.defaults("victim")
          .withGiveUpAfter(Duration.ofSeconds(20)).withBackoff(Duration.ofMillis(50), Duration.ofMillis(200))).run();
      assertEquals("done", s.finishReason());
      assertEquals(List.of("largest", "beyond"), hostile.encrypted.stream().map(p -> p.getTask().getTaskId()).toList());
      // the key is taken; this client trained nothing in round 1, so it has nothing to encrypt
      assertEquals("no encrypted contribution for round 1", hostile.encrypted.get(0).getError().getMessage());
      assertEquals("paillier modulus of 16385 bits exceeds 16384", hostile.encrypted.get(1).getError().getMessage());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      executor.shutdownNow();
    }
  }
}
