package io.lianbang.grpc.client;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.lianbang.core.client.Client;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.tensor.Parameters;
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
import io.lianbang.grpc.proto.v1.SecAggAck;
import io.lianbang.grpc.proto.v1.SecAggReply;
import io.lianbang.grpc.proto.v1.SubmitResponse;
import io.lianbang.grpc.proto.v1.Task;
import io.lianbang.grpc.proto.v1.TaskError;
import io.lianbang.grpc.proto.v1.TaskRef;
import io.lianbang.grpc.proto.v1.TensorChunk;
import io.lianbang.grpc.wire.ChunkAssembler;
import io.lianbang.grpc.wire.ChunkEncoder;
import io.lianbang.grpc.wire.TensorSpecs;
import io.lianbang.grpc.wire.Values;
import io.lianbang.privacy.secagg.SecAggClient;
import io.lianbang.privacy.secagg.SecAggCodec;
import io.lianbang.privacy.secagg.SecAggMessage;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a {@link Client} to a federation server: registers, polls for tasks, downloads the
 * parameters, runs {@code fit} or {@code evaluate} and uploads the result, while a background
 * thread sends heartbeats. The data never leaves the {@code Client}.
 *
 * <pre>{@code
 * ManagedChannel channel = ClientChannels.open("server.example:7443",
 *     new ClientTls(caPem, myCertPem, myKeyPem), null, false);
 * try {
 *   new FederationClient(channel, myClient, ClientSettings.defaults("hospital-a")).run();
 * } finally {
 *   channel.shutdownNow();
 * }
 * }</pre>
 *
 * <p>Every call has a deadline. When the server is unreachable the client retries with
 * exponential backoff and jitter, re-registering when the server no longer knows its session
 * (after a server restart), and gives up once the server has been unreachable for
 * {@link ClientSettings#giveUpAfter()}. Errors that retrying cannot fix (refused credentials, a
 * TLS handshake refused over a certificate, an unsupported protocol version) end the run at once.
 */
public final class FederationClient {
  private static final Logger log = LoggerFactory.getLogger(FederationClient.class);
  /** Refusals retrying cannot fix; ABORTED: another registration with this identity replaced the session. */
  private static final Set<Status.Code> FATAL = Set.of(
      Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED, Status.Code.UNIMPLEMENTED, Status.Code.ABORTED);

  private final FederationGrpc.FederationBlockingStub blocking;
  private final FederationGrpc.FederationStub async;
  private final Client client;
  private final ClientSettings settings;
  private final UnaryOperator<SecAggMessage> secagg;

  /**
   * What a finished run did.
   *
   * @param secaggStages secure-aggregation stages this client answered and the server accepted
   */
  public record Summary(int fitTasks, int evaluateTasks, int rejectedResults, String finishReason, int secaggStages) {}

  /**
   * A client that talks to the server over {@code channel}; the caller owns the channel. If
   * {@code client} is a {@link SecAggClient}, its participant answers secure-aggregation stages;
   * otherwise the client reports an error for every stage it is sent.
   */
  public FederationClient(Channel channel, Client client, ClientSettings settings) {
    this(channel, client, settings, client instanceof SecAggClient s ? s.participant()::respond : null);
  }

  /**
   * A client whose secure-aggregation stages are answered by {@code secagg} (a
   * {@link io.lianbang.privacy.secagg.SecAggParticipant#respond}, possibly wrapped), or refused if
   * it is null.
   */
  public FederationClient(Channel channel, Client client, ClientSettings settings, UnaryOperator<SecAggMessage> secagg) {
    this.blocking = FederationGrpc.newBlockingStub(Objects.requireNonNull(channel, "channel"));
    this.async = FederationGrpc.newStub(channel);
    this.client = Objects.requireNonNull(client, "client");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.secagg = secagg;
  }

  private record Session(RegisterResponse info) {
    String id() {
      return info.getSessionId();
    }
  }

  /**
   * Serves tasks until the server says the run is over.
   *
   * @throws FederationClientException if the server refuses this client or stays unreachable for
   *     longer than {@link ClientSettings#giveUpAfter()}
   * @throws InterruptedException if interrupted
   */
  public Summary run() throws InterruptedException {
    ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lianbang-heartbeat-" + settings.name());
      t.setDaemon(true);
      return t;
    });
    try {
      return loop(heartbeats);
    } finally {
      heartbeats.shutdownNow();
    }
  }

  private Summary loop(ScheduledExecutorService heartbeats) throws InterruptedException {
    Session session = null;
    long unreachableSince = -1;
    long backoff = settings.initialBackoff().toMillis();
    int fits = 0;
    int evals = 0;
    int rejected = 0;
    int stages = 0;
    java.util.concurrent.ScheduledFuture<?> beat = null;
    while (true) {
      if (Thread.interrupted()) throw new InterruptedException();
      try {
        if (session == null) {
          session = register();
          if (beat != null) beat.cancel(false);
          beat = startHeartbeats(heartbeats, session);
        }
        Task task = blocking.withDeadlineAfter(settings.pollWait().plus(settings.rpcTimeout()).toMillis(), TimeUnit.MILLISECONDS)
            .getTask(GetTaskRequest.newBuilder().setSessionId(session.id()).setMaxWaitMs((int) settings.pollWait().toMillis()).build());
        unreachableSince = -1;
        backoff = settings.initialBackoff().toMillis();
        switch (task.getKindCase()) {
          case FINISH -> {
            log.info("{}: the server ended the run: {}", settings.name(), task.getFinish().getReason());
            return new Summary(fits, evals, rejected, task.getFinish().getReason(), stages);
          }
          case WAIT -> {
            if (task.getWait().getRetryAfterMs() > 0) Thread.sleep(Math.min(task.getWait().getRetryAfterMs(), 60_000));
          }
          case FIT -> {
            if (perform(session, task)) fits++;
            else rejected++;
          }
          case EVALUATE -> {
            if (perform(session, task)) evals++;
            else rejected++;
          }
          case SECAGG -> {
            if (answerSecAgg(session, task)) stages++;
            else rejected++;
          }
          case KIND_NOT_SET -> log.warn("{}: the server sent a task without a kind; polling again", settings.name());
        }
      } catch (StatusRuntimeException e) {
        Status status = e.getStatus();
        if (FATAL.contains(status.getCode()) || (session == null && status.getCode() == Status.Code.FAILED_PRECONDITION)
            || (session == null && status.getCode() == Status.Code.INVALID_ARGUMENT)) {
          throw new FederationClientException("the server refused client " + settings.name() + ": " + status.getCode()
              + ": " + status.getDescription(), e);
        }
        String tls = TlsRefusal.describe(e);
        if (tls != null) {
          throw new FederationClientException("the TLS handshake with the server failed over a certificate (" + tls
              + "): the server refused this client's certificate (missing, or not signed by the CA it trusts), or this "
              + "client does not trust the server's; retrying cannot fix that", e);
        }
        if (status.getCode() == Status.Code.NOT_FOUND && String.valueOf(status.getDescription()).startsWith("unknown session")) {
          log.info("{}: the server no longer knows this session; registering again", settings.name());
          session = null;
          continue;
        }
        long now = System.nanoTime();
        if (unreachableSince < 0) unreachableSince = now;
        long downMillis = (now - unreachableSince) / 1_000_000;
        if (downMillis >= settings.giveUpAfter().toMillis()) {
          throw new FederationClientException("the server stayed unreachable for " + downMillis + " ms: " + status.getCode()
              + (status.getDescription() == null ? "" : ": " + status.getDescription()), e);
        }
        long sleep = Math.min(backoff, settings.maxBackoff().toMillis());
        sleep = sleep / 2 + ThreadLocalRandom.current().nextLong(sleep / 2 + 1);
        log.info("{}: {} ({}); retrying in {} ms", settings.name(), status.getCode(), status.getDescription(), sleep);
        Thread.sleep(sleep);
        backoff = Math.min(backoff * 2, settings.maxBackoff().toMillis());
      }
    }
  }

  private Session register() {
    RegisterRequest.Builder request = RegisterRequest.newBuilder().setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1)
        .setClientName(settings.name());
    if (settings.modelLayout() != null) request.setModelLayout(TensorSpecs.ofShapes(settings.modelLayout()));
    RegisterResponse r = blocking.withDeadlineAfter(settings.rpcTimeout().toMillis(), TimeUnit.MILLISECONDS).register(request.build());
    log.info("{}: registered as {} in run {}", settings.name(), r.getClientId(), r.getRunId());
    return new Session(r);
  }

  private java.util.concurrent.ScheduledFuture<?> startHeartbeats(ScheduledExecutorService timer, Session session) {
    long every = Math.max(50, session.info().getHeartbeatIntervalMs());
    return timer.scheduleWithFixedDelay(() -> {
      try {
        blocking.withDeadlineAfter(Math.max(every, 1000), TimeUnit.MILLISECONDS)
            .heartbeat(HeartbeatRequest.newBuilder().setSessionId(session.id()).build());
      } catch (StatusRuntimeException e) {
        log.debug("{}: heartbeat failed: {}", settings.name(), e.getStatus());
      }
    }, 0, every, TimeUnit.MILLISECONDS);
  }

  /** Runs one task; returns false if the server rejected the result. */
  private boolean perform(Session session, Task task) throws InterruptedException {
    TaskRef ref = TaskRef.newBuilder().setSessionId(session.id()).setRunId(task.getRunId())
        .setRound(task.getRound()).setTaskId(task.getTaskId()).build();
    Deadline deadline = deadline(task);
    boolean fit = task.hasFit();
    ParametersSpec spec = fit ? task.getFit().getParameters() : task.getEvaluate().getParameters();
    ResultHeader.Builder header = ResultHeader.newBuilder().setTask(ref);
    Parameters out = null;
    List<int[]> layout = null;
    try {
      layout = acceptedLayout(spec);
    } catch (IllegalArgumentException e) {
      log.warn("{}: refusing the {} task of round {}: {}", settings.name(), fit ? "fit" : "evaluate", task.getRound(), e.getMessage());
      header.setError(TaskError.newBuilder().setMessage("refused: " + e.getMessage()));
    }
    if (layout != null) {
      Parameters parameters = download(ref, layout, deadline, session.info().getMaxChunkBytes());
      try {
        if (fit) {
          FitResult r = client.fit(new FitTask(task.getRound(), parameters, Values.fromProto(task.getFit().getConfigMap()), task.getFit().getSeed()));
          header.setFit(FitOutput.newBuilder().setParameters(TensorSpecs.of(r.parameters())).setNumExamples(r.numExamples())
              .putAllMetrics(r.metrics().asMap()));
          out = r.parameters();
        } else {
          EvalResult r = client.evaluate(new EvalTask(task.getRound(), parameters, Values.fromProto(task.getEvaluate().getConfigMap())));
          header.setEvaluate(EvaluateOutput.newBuilder().setLoss(r.loss()).setNumExamples(r.numExamples()).putAllMetrics(r.metrics().asMap()));
        }
      } catch (RuntimeException e) {
        log.warn("{}: {} of round {} failed: {}", settings.name(), fit ? "fit" : "evaluate", task.getRound(), e.toString());
        header.setError(TaskError.newBuilder().setMessage(String.valueOf(e)));
      }
    }
    try {
      SubmitResponse response = upload(header.build(), out, deadline, session.info().getMaxChunkBytes());
      log.info("{}: {} of round {} {}", settings.name(), fit ? "fit" : "evaluate", task.getRound(),
          response.getAccepted() ? "accepted" : "reported as failed");
      return response.getAccepted() || header.hasError();
    } catch (StatusRuntimeException e) {
      Status.Code c = e.getStatus().getCode();
      if (c == Status.Code.INVALID_ARGUMENT || c == Status.Code.FAILED_PRECONDITION || c == Status.Code.NOT_FOUND
          && !String.valueOf(e.getStatus().getDescription()).startsWith("unknown session")) {
        log.warn("{}: the server rejected the result of round {}: {}: {}", settings.name(), task.getRound(), c, e.getStatus().getDescription());
        return false;
      }
      throw e;
    }
  }

  /** Answers one secure-aggregation stage; returns false if the server refused the answer. */
  private boolean answerSecAgg(Session session, Task task) {
    TaskRef ref = TaskRef.newBuilder().setSessionId(session.id()).setRunId(task.getRunId())
        .setRound(task.getRound()).setTaskId(task.getTaskId()).build();
    SecAggReply.Builder reply = SecAggReply.newBuilder().setTask(ref);
    try {
      if (secagg == null) throw new IllegalStateException("client " + settings.name() + " does not take part in secure aggregation");
      SecAggMessage request = SecAggCodec.decode(task.getSecagg().getMessage().toByteArray());
      if (!SecAggCodec.isRequest(request)) throw new IllegalArgumentException("the server sent a " + request.getClass().getSimpleName() + ", not a stage request");
      reply.setMessage(ByteString.copyFrom(SecAggCodec.encode(secagg.apply(request))));
    } catch (RuntimeException e) {
      log.warn("{}: secure-aggregation stage of round {} failed: {}", settings.name(), task.getRound(), e.toString());
      reply.setError(TaskError.newBuilder().setMessage(String.valueOf(e.getMessage())));
    }
    try {
      SecAggAck ack = blocking.withDeadline(deadline(task)).submitSecAgg(reply.build());
      return ack.getAccepted() || reply.hasError();
    } catch (StatusRuntimeException e) {
      Status.Code c = e.getStatus().getCode();
      if (c == Status.Code.INVALID_ARGUMENT || c == Status.Code.FAILED_PRECONDITION || c == Status.Code.PERMISSION_DENIED
          || c == Status.Code.NOT_FOUND && !String.valueOf(e.getStatus().getDescription()).startsWith("unknown session")) {
        log.warn("{}: the server refused the secure-aggregation reply of round {}: {}: {}", settings.name(), task.getRound(), c,
            e.getStatus().getDescription());
        return false;
      }
      throw e;
    }
  }

  private Deadline deadline(Task task) {
    long remaining = task.getDeadlineUnixMs() - System.currentTimeMillis();
    // A clock behind the server's cannot shorten a transfer below one call deadline.
    return Deadline.after(Math.max(remaining, settings.rpcTimeout().toMillis()), TimeUnit.MILLISECONDS);
  }

  /**
   * The shapes of a task's model, checked against this client's limits before anything is
   * allocated or downloaded.
   *
   * @throws IllegalArgumentException naming the declared size and the limit it exceeds, or the
   *     tensor whose layout is unusable
   */
  private List<int[]> acceptedLayout(ParametersSpec spec) {
    int count = spec.getTensorsCount();
    if (count > settings.maxModelTensors()) {
      throw new IllegalArgumentException("the task's model declares " + count + " tensors, more than this client's limit maxModelTensors = "
          + settings.maxModelTensors());
    }
    List<int[]> shapes;
    try {
      shapes = TensorSpecs.shapes(spec);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the task's model layout is unusable: " + e.getMessage(), e);
    }
    long bytes = TensorSpecs.byteSize(shapes);
    if (bytes > settings.maxModelBytes()) {
      throw new IllegalArgumentException("the task's model declares " + bytes + " bytes in " + count
          + " tensors, more than this client's limit maxModelBytes = " + settings.maxModelBytes());
    }
    return shapes;
  }

  private Parameters download(TaskRef ref, List<int[]> layout, Deadline deadline, int maxChunkBytes) {
    ChunkAssembler assembler = new ChunkAssembler(layout, Math.max(maxChunkBytes, 4), false);
    Iterator<TensorChunk> chunks = blocking.withDeadline(deadline).downloadParameters(DownloadRequest.newBuilder().setTask(ref).build());
    try {
      while (chunks.hasNext()) assembler.accept(chunks.next());
      return assembler.finish();
    } catch (IllegalArgumentException e) {
      throw Status.INTERNAL.withDescription("the server sent malformed parameters: " + e.getMessage()).asRuntimeException();
    }
  }

  /** Uploads a result, sending each chunk only when the transport is ready for it. */
  private SubmitResponse upload(ResultHeader header, Parameters parameters, Deadline deadline, int maxChunkBytes)
      throws InterruptedException {
    Object ready = new Object();
    CompletableFuture<SubmitResponse> done = new CompletableFuture<>();
    @SuppressWarnings("unchecked")
    ClientCallStreamObserver<ResultPart>[] call = new ClientCallStreamObserver[1];
    async.withDeadline(deadline).submitResult(new ClientResponseObserver<ResultPart, SubmitResponse>() {
      private SubmitResponse response;

      @Override
      public void beforeStart(ClientCallStreamObserver<ResultPart> requests) {
        call[0] = requests;
        requests.setOnReadyHandler(() -> {
          synchronized (ready) {
            ready.notifyAll();
          }
        });
      }

      @Override
      public void onNext(SubmitResponse value) {
        response = value;
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
        synchronized (ready) {
          ready.notifyAll();
        }
      }

      @Override
      public void onCompleted() {
        done.complete(response);
      }
    });
    ClientCallStreamObserver<ResultPart> requests = call[0];
    requests.onNext(ResultPart.newBuilder().setHeader(header).build());
    if (parameters != null) {
      ChunkEncoder chunks = new ChunkEncoder(parameters, maxChunkBytes);
      while (chunks.hasNext() && !done.isDone()) {
        synchronized (ready) {
          while (!requests.isReady() && !done.isDone()) {
            long millis = deadline.timeRemaining(TimeUnit.MILLISECONDS);
            if (millis <= 0) break;
            ready.wait(Math.min(millis, 1000));
          }
        }
        if (deadline.isExpired() && !done.isDone()) {
          requests.cancel("the task's deadline passed during the upload", null);
          break;
        }
        if (!done.isDone()) requests.onNext(ResultPart.newBuilder().setChunk(chunks.next()).build());
      }
    }
    if (!done.isDone()) requests.onCompleted();
    try {
      return done.get(Math.max(1, deadline.timeRemaining(TimeUnit.MILLISECONDS)) + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException s) throw s;
      throw Status.fromThrowable(e.getCause()).asRuntimeException();
    } catch (TimeoutException e) {
      requests.cancel("no answer to the upload", null);
      throw Status.DEADLINE_EXCEEDED.withDescription("no answer to the upload before the deadline").asRuntimeException();
    }
  }
}
