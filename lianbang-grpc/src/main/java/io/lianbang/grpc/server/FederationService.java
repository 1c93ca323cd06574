package io.lianbang.grpc.server;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.lianbang.core.compress.EncodedTensors;
import io.lianbang.core.text.Abbreviation;
import io.lianbang.grpc.RefusalReason;
import com.google.protobuf.ByteString;
import io.lianbang.grpc.proto.v1.DownloadRequest;
import io.lianbang.grpc.proto.v1.EncryptedAck;
import io.lianbang.grpc.proto.v1.EncryptedPart;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import io.lianbang.grpc.proto.v1.GetTaskRequest;
import io.lianbang.grpc.proto.v1.HeartbeatRequest;
import io.lianbang.grpc.proto.v1.HeartbeatResponse;
import io.lianbang.grpc.proto.v1.ProtocolVersion;
import io.lianbang.grpc.proto.v1.RegisterRequest;
import io.lianbang.grpc.proto.v1.RegisterResponse;
import io.lianbang.grpc.proto.v1.ResultPart;
import io.lianbang.grpc.proto.v1.SecAggAck;
import io.lianbang.grpc.proto.v1.SecAggReply;
import io.lianbang.grpc.proto.v1.SubmitResponse;
import io.lianbang.grpc.proto.v1.Task;
import io.lianbang.grpc.proto.v1.TaskRef;
import io.lianbang.grpc.proto.v1.TensorChunk;
import io.lianbang.grpc.wire.Encodings;
import io.lianbang.privacy.paillier.EncryptedVector;
import io.lianbang.privacy.secagg.SecAggCodec;
import io.lianbang.privacy.secagg.SecAggException;
import io.lianbang.privacy.secagg.SecAggMessage;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code lianbang.v1.Federation} service. Every request is checked before it touches any
 * state; a bad one gets a status naming the problem and a log line, and changes nothing else.
 */
final class FederationService extends FederationGrpc.FederationImplBase {
  private static final Logger log = LoggerFactory.getLogger(FederationService.class);
  private static final Pattern CLIENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");

  private final GrpcClientPool pool;
  private final Authenticator authenticator;
  private final ServerSettings settings;
  private final EncodedModel encoded;
  private final UploadGate uploads;
  private final ServerMetrics metrics;
  /** Result uploads whose header named an open task and that have not ended. */
  final AtomicInteger uploadsInFlight = new AtomicInteger();
  /** Parameter downloads started and not ended. */
  final AtomicInteger downloadsInFlight = new AtomicInteger();

  FederationService(GrpcClientPool pool, Authenticator authenticator, ServerSettings settings, ServerMetrics metrics) {
    this.pool = pool;
    this.authenticator = authenticator;
    this.settings = settings;
    this.metrics = metrics;
    this.encoded = new EncodedModel(settings.maxChunkBytes());
    this.uploads = new UploadGate(settings.limits().maxConcurrentUploads(), callbacks());
  }

  /**
   * An upload that {@link #uploadsInFlight} counted ended, {@code nanos} after its header; if
   * {@code taken}, its task took the result and the duration is reported (while the upload still
   * counts as in flight).
   */
  void uploadEnded(long nanos, boolean taken) {
    try {
      if (taken) metrics.uploaded(Duration.ofNanos(nanos));
    } finally {
      uploadsInFlight.decrementAndGet();
    }
  }

  /** The admission of result uploads. */
  UploadGate uploads() {
    return uploads;
  }

  /**
   * Runs callbacks on the server's timer thread; after shutdown they are dropped (the calls they
   * would end are cancelled with the server).
   */
  Executor callbacks() {
    return r -> {
      try {
        pool.timer().execute(r);
      } catch (RejectedExecutionException e) {
        // the server is shutting down
      }
    };
  }

  /**
   * A rejection: logs it and builds the status the caller receives, with {@code reason} as its
   * machine-readable {@code ErrorInfo}.
   */
  static StatusRuntimeException reject(RefusalReason reason, String rpc, String who, String description) {
    log.warn("rejected {} from {}: {} {} {}", rpc, who == null ? "an unregistered caller" : who, reason.code(), reason, description);
    return reason.refusal(description);
  }

  @Override
  public void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
    String identity = Authenticator.IDENTITY.get();
    String name = request.getClientName();
    if (request.getProtocolVersion() != ProtocolVersion.PROTOCOL_VERSION_1) {
      response.onError(reject(RefusalReason.UNSUPPORTED_PROTOCOL, "Register", identity == null ? abbreviate(name) : identity,
          "protocol version " + request.getProtocolVersionValue() + " is not supported; this server speaks version 1"));
      return;
    }
    if (identity == null) {
      if (!CLIENT_NAME.matcher(name).matches()) {
        response.onError(reject(RefusalReason.INVALID_CLIENT_NAME, "Register", null, "client_name '" + abbreviate(name)
            + "' is invalid: 1 to 128 letters, digits, '.', '_', '@' or '-', starting with a letter or digit"));
        return;
      }
      if (!authenticator.allows(name)) {
        response.onError(reject(RefusalReason.NOT_ALLOWED, "Register", name, "client name '" + name + "' is not in the server's allow-list"));
        return;
      }
      identity = name;
    }
    String mismatch = request.hasModelLayout() ? pool.layoutMismatch(request.getModelLayout()) : null;
    if (mismatch != null) {
      response.onError(reject(RefusalReason.LAYOUT_MISMATCH, "Register", identity, mismatch));
      return;
    }
    RemoteClient client = pool.register(identity, Encodings.known(request.getCodecsList()));
    response.onNext(RegisterResponse.newBuilder()
        .setSessionId(client.sessionId)
        .setRunId(pool.runId())
        .setClientId(identity)
        .setHeartbeatIntervalMs((int) settings.heartbeatInterval().toMillis())
        .setMaxChunkBytes(settings.maxChunkBytes())
        .build());
    response.onCompleted();
  }

  /**
   * The session a request names, checked against the caller's identity.
   *
   * @throws StatusRuntimeException INVALID_ARGUMENT for an overlong id, NOT_FOUND for an unknown
   *     session, PERMISSION_DENIED for a session of another identity
   */
  RemoteClient session(String rpc, String sessionId) {
    String identity = Authenticator.IDENTITY.get();
    requireIdLength(rpc, identity, "session_id", sessionId);
    RemoteClient client = pool.session(sessionId);
    if (client == null) {
      throw reject(RefusalReason.UNKNOWN_SESSION, rpc, identity, "unknown session '" + abbreviate(sessionId)
          + "': it expired or the server restarted; register again");
    }
    if (identity != null && !identity.equals(client.id)) {
      throw reject(RefusalReason.FOREIGN_SESSION, rpc, identity, "the session belongs to another client");
    }
    client.touch();
    return client;
  }

  /**
   * The open task a reference names.
   *
   * @throws StatusRuntimeException naming the problem: an overlong task id, another run, an
   *     unknown task, a closed (answered, expired or superseded) task, or a round that is not the
   *     task's
   */
  PendingTask task(String rpc, RemoteClient client, TaskRef ref) {
    requireIdLength(rpc, client.id, "task_id", ref.getTaskId());
    if (!ref.getRunId().equals(pool.runId())) {
      throw reject(RefusalReason.WRONG_RUN, rpc, client.id, "run id '" + abbreviate(ref.getRunId())
          + "' is not the current run '" + pool.runId() + "'");
    }
    PendingTask task = client.openTask(ref.getTaskId());
    if (task == null) {
      if (client.wasClosed(ref.getTaskId())) {
        throw reject(RefusalReason.TASK_CLOSED, rpc, client.id, "task '" + ref.getTaskId()
            + "' is closed: its result was already accepted or rejected, its deadline passed, or a newer round superseded it");
      }
      throw reject(RefusalReason.UNKNOWN_TASK, rpc, client.id, "unknown task '" + abbreviate(ref.getTaskId()) + "'");
    }
    if (ref.getRound() != task.round) {
      throw reject(RefusalReason.STALE_ROUND, rpc, client.id, "stale round: task '" + task.id + "' belongs to round "
          + task.round + ", the request names round " + ref.getRound());
    }
    TransportTraffic.attribute(task.round, client.id);
    return task;
  }

  /** Refuses an id longer than any the server issues, before it is looked up or echoed. */
  private static void requireIdLength(String rpc, String who, String field, String id) {
    if (id.length() > PeerLimits.MAX_ID_LENGTH) {
      throw reject(RefusalReason.LIMIT_EXCEEDED, rpc, who, field + " is " + id.length() + " characters, more than the limit of "
          + PeerLimits.MAX_ID_LENGTH);
    }
  }

  @Override
  public void getTask(GetTaskRequest request, StreamObserver<Task> response) {
    RemoteClient client;
    try {
      client = session("GetTask", request.getSessionId());
    } catch (StatusRuntimeException e) {
      response.onError(e);
      return;
    }
    long wait = Math.min(request.getMaxWaitMs(), settings.maxPoll().toMillis());
    client.held(request.getHeldRound());
    client.poll((ServerCallStreamObserver<Task>) response, wait, pool.runId(), pool.finishReason(), pool.timer());
  }

  @Override
  public void downloadParameters(DownloadRequest request, StreamObserver<TensorChunk> response) {
    PendingTask.ModelTask task;
    RemoteClient client;
    try {
      client = session("DownloadParameters", request.getTask().getSessionId());
      PendingTask pending = task("DownloadParameters", client, request.getTask());
      if (!(pending instanceof PendingTask.ModelTask model)) {
        throw reject(RefusalReason.WRONG_TASK_KIND, "DownloadParameters", client.id, "task '" + pending.id
            + "' is " + pending.kindName() + ": its request is in the task, there are no parameters to download");
      }
      task = model;
    } catch (StatusRuntimeException e) {
      response.onError(e);
      return;
    }
    ServerCallStreamObserver<TensorChunk> call = (ServerCallStreamObserver<TensorChunk>) response;
    if (!client.beginDownload(settings.limits().maxDownloadsPerSession())) {
      response.onError(reject(RefusalReason.TOO_MANY_DOWNLOADS, "DownloadParameters", client.id, "the session already has "
          + settings.limits().maxDownloadsPerSession() + " parameter downloads open (the server's limit per session)"));
      return;
    }
    EncodedTensors download = task instanceof PendingTask.Fit f ? f.download() : null;
    Runnable sent = task instanceof PendingTask.Fit f && f.transfer.download() != null
        ? () -> pool.startDelivered(client, task.round) : () -> { };
    new Download(call, download == null ? encoded.chunks(task.parameters) : encoded.chunks(download), client, task, sent,
        downloadsInFlight).start(callbacks());
  }

  @Override
  public StreamObserver<ResultPart> submitResult(StreamObserver<SubmitResponse> response) {
    ServerCallStreamObserver<SubmitResponse> call = (ServerCallStreamObserver<SubmitResponse>) response;
    call.disableAutoRequest();
    ResultUpload upload = new ResultUpload(this, settings, call);
    call.request(1);
    return upload;
  }

  /**
   * A client's answer to a secure-aggregation stage. Refused, with the task closed so that the
   * participant counts as dropped from the stage: a reply to a task that is not a stage
   * ({@code INVALID_ARGUMENT}), an error whose message exceeds {@link PeerLimits#maxErrorLength()}
   * ({@code INVALID_ARGUMENT}), bytes that are not a SecAgg message ({@code INVALID_ARGUMENT},
   * "malformed SecAgg message"), a message of another stage ({@code FAILED_PRECONDITION}, "wrong
   * stage") or round ({@code FAILED_PRECONDITION}, "wrong round"), and a message whose sender is
   * not this session's participant index ({@code PERMISSION_DENIED}, "forged sender").
   */
  @Override
  public void submitSecAgg(SecAggReply request, StreamObserver<SecAggAck> response) {
    TaskAnswer answer = answer("SubmitSecAgg", request.getTask(), "secure-aggregation reply", response);
    if (answer == null) return;
    try {
      if (!(answer.task instanceof PendingTask.SecAgg task)) {
        throw answer.refuse(RefusalReason.WRONG_TASK_KIND, "task '" + answer.task.id + "' is "
            + answer.task.kindName() + ", not a secure-aggregation stage");
      }
      switch (request.getOutcomeCase()) {
        case ERROR -> {
          answer.checkError(settings.limits(), request.getError().getMessage());
          String reported = "client reported an error: " + printable(request.getError().getMessage());
          SecAggException.Kind kind = SecAggException.Kind.parse(request.getError().getKind());
          task.result.completeExceptionally(kind == null ? new ClientReportedException(reported) : new SecAggException(kind, reported));
          response.onNext(SecAggAck.newBuilder().setAccepted(false).build());
          response.onCompleted();
          return;
        }
        case OUTCOME_NOT_SET -> throw answer.refuse(RefusalReason.PROTOCOL_VIOLATION, "the SecAggReply has neither a message nor an error");
        case MESSAGE -> { }
      }
      SecAggMessage m;
      try {
        m = SecAggCodec.decode(request.getMessage().toByteArray());
      } catch (IllegalArgumentException e) {
        throw answer.refuse(RefusalReason.MALFORMED_MESSAGE, "malformed SecAgg message: " + e.getMessage());
      }
      String expected = task.response.getSimpleName();
      if (!task.response.isInstance(m)) {
        throw answer.refuse(RefusalReason.SECAGG_WRONG_STAGE, "wrong stage: task '" + task.id + "' expects a " + expected
            + ", got a " + m.getClass().getSimpleName());
      }
      if (m.round() != task.round) {
        throw answer.refuse(RefusalReason.SECAGG_WRONG_ROUND, "wrong round: the " + expected + " is for round " + m.round()
            + ", task '" + task.id + "' belongs to round " + task.round);
      }
      if (SecAggCodec.index(m) != task.participant) {
        throw answer.refuse(RefusalReason.SECAGG_FORGED_SENDER, "forged sender: the " + expected + " claims to come from participant "
            + SecAggCodec.index(m) + ", but this session is participant " + task.participant + " of round " + task.round);
      }
      task.result.complete(m);
      response.onNext(SecAggAck.newBuilder().setAccepted(true).build());
      response.onCompleted();
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  /**
   * A part of a client's encrypted contribution to a Paillier task. Refused, with the task closed
   * so that the client is left out of the sum: a part for a task that is not a Paillier task
   * ({@code INVALID_ARGUMENT}), an error whose message exceeds {@link PeerLimits#maxErrorLength()}
   * ({@code INVALID_ARGUMENT}), a part whose offset is not the number of ciphertexts received so
   * far, that is empty or that holds more ciphertexts than the task's length ({@code INVALID_ARGUMENT},
   * naming offset and counts), and a ciphertext that is not in (0, n²) ({@code INVALID_ARGUMENT},
   * naming its index). The task completes when its last ciphertext arrives.
   */
  @Override
  public void submitEncrypted(EncryptedPart request, StreamObserver<EncryptedAck> response) {
    TaskAnswer answer = answer("SubmitEncrypted", request.getTask(), "encrypted contribution", response);
    if (answer == null) return;
    try {
      if (!(answer.task instanceof PendingTask.Paillier task)) {
        throw answer.refuse(RefusalReason.WRONG_TASK_KIND, "task '" + answer.task.id + "' is "
            + answer.task.kindName() + ", not a Paillier task");
      }
      if (request.hasError()) {
        answer.checkError(settings.limits(), request.getError().getMessage());
        task.result.completeExceptionally(new ClientReportedException("client reported an error: " + printable(request.getError().getMessage())));
        response.onNext(EncryptedAck.newBuilder().setAccepted(false).build());
        response.onCompleted();
        return;
      }
      boolean complete;
      synchronized (task.received) {
        int have = task.received.size();
        int count = request.getCiphertextsCount();
        if (request.getOffset() != have) {
          throw answer.refuse(RefusalReason.PROTOCOL_VIOLATION, "offset " + Integer.toUnsignedString(request.getOffset())
              + " is not the " + have + " ciphertexts received so far for task '" + task.id + "'");
        }
        if (count == 0 || count > task.length - have) {
          throw answer.refuse(RefusalReason.PROTOCOL_VIOLATION, "ciphertexts: " + count + " at offset " + have
              + ", but task '" + task.id + "' expects " + (task.length - have) + " more (length " + task.length + ")");
        }
        int maxBytes = (task.key.nSquared().bitLength() + 7) / 8;
        List<BigInteger> part = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          ByteString b = request.getCiphertexts(i);
          BigInteger c = b.size() > maxBytes + 1 ? null : new BigInteger(1, b.toByteArray());
          if (c == null || c.signum() <= 0 || c.compareTo(task.key.nSquared()) >= 0) {
            throw answer.refuse(RefusalReason.MALFORMED_MESSAGE, "ciphertexts[" + (have + i) + "] ("
                + b.size() + " bytes) is not in (0, n²) for the " + task.key.bits() + "-bit key");
          }
          part.add(c);
        }
        task.received.addAll(part);
        complete = task.received.size() == task.length;
      }
      if (complete) task.result.complete(EncryptedVector.of(task.key, task.received));
      response.onNext(EncryptedAck.newBuilder().setAccepted(true).build());
      response.onCompleted();
    } catch (StatusRuntimeException e) {
      response.onError(e);
    }
  }

  /**
   * The session and open task that a unary answer names; null after refusing the call (unknown or
   * foreign session, wrong run, closed or unknown task).
   */
  private TaskAnswer answer(String rpc, TaskRef ref, String what, StreamObserver<?> response) {
    try {
      RemoteClient client = session(rpc, ref.getSessionId());
      return new TaskAnswer(rpc, what, client, task(rpc, client, ref));
    } catch (StatusRuntimeException e) {
      response.onError(e);
      return null;
    }
  }

  @Override
  public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> response) {
    try {
      session("Heartbeat", request.getSessionId());
    } catch (StatusRuntimeException e) {
      response.onError(e);
      return;
    }
    response.onNext(HeartbeatResponse.newBuilder().setFinished(pool.finished()).build());
    response.onCompleted();
  }

  /** Shortens peer-supplied text before it goes into a status or a log line. */
  /**
   * A client's own error message, already bounded by {@link PeerLimits#maxErrorLength()}: kept
   * whole (it is what an operator needs to see) but reduced to printable ASCII.
   */
  static String printable(String s) {
    return s.replaceAll("[^\\x20-\\x7e]", "?");
  }

  static String abbreviate(String s) {
    return printable(Abbreviation.abbreviate(s)); // printable ASCII only: safe in any log
  }
}
