package io.lianbang.grpc.client;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lianbang.core.client.Client;
import io.lianbang.core.compress.Codec;
import io.lianbang.core.compress.EncodedTensors;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.grpc.proto.v1.Encoding;
import io.lianbang.grpc.proto.v1.EncryptedAck;
import io.lianbang.grpc.proto.v1.EncryptedPart;
import io.lianbang.grpc.proto.v1.EvaluateOutput;
import io.lianbang.grpc.proto.v1.ExactSum;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import io.lianbang.grpc.proto.v1.FitInstruction;
import io.lianbang.grpc.proto.v1.FitOutput;
import io.lianbang.grpc.proto.v1.GetTaskRequest;
import io.lianbang.grpc.proto.v1.HeartbeatRequest;
import io.lianbang.grpc.proto.v1.ParametersSpec;
import io.lianbang.grpc.proto.v1.ProtocolVersion;
import io.lianbang.grpc.proto.v1.RegisterRequest;
import io.lianbang.grpc.proto.v1.RegisterResponse;
import io.lianbang.grpc.proto.v1.ResultHeader;
import io.lianbang.grpc.proto.v1.SecAggAck;
import io.lianbang.grpc.proto.v1.SecAggReply;
import io.lianbang.grpc.proto.v1.SubmitResponse;
import io.lianbang.grpc.proto.v1.Task;
import io.lianbang.grpc.proto.v1.TaskError;
import io.lianbang.grpc.proto.v1.TaskRef;
import io.lianbang.grpc.wire.Encodings;
import io.lianbang.grpc.wire.ExactSums;
import io.lianbang.grpc.wire.TensorSpecs;
import io.lianbang.grpc.wire.Values;
import io.lianbang.privacy.paillier.EncryptedVector;
import io.lianbang.privacy.paillier.PaillierClient;
import io.lianbang.privacy.paillier.PaillierPublicKey;
import io.lianbang.privacy.secagg.SecAggClient;
import io.lianbang.privacy.secagg.SecAggCodec;
import io.lianbang.privacy.secagg.SecAggException;
import io.lianbang.privacy.secagg.SecAggMessage;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * <p>Compressed transfers: the client declares {@link ClientSettings#codecs()} at registration,
 * decodes encoded downloads (adding a delta download to the start of the round it holds) and, when
 * a fit task asks, uploads its update encoded; the held start model and the error-feedback
 * residuals belong to this object, so they survive a new session in the same run.
 *
 * <p>Every call has a deadline. When the server is unreachable the client retries with
 * exponential backoff and jitter, re-registering when the server no longer knows its session
 * (after a server restart), and gives up once the server has been unreachable for
 * {@link ClientSettings#giveUpAfter()}. What to do about a refusal is decided from the
 * {@link io.lianbang.grpc.RefusalReason} the server attaches to it, never from its description. Errors that retrying cannot fix (refused credentials, a
 * TLS handshake refused over a certificate, an unsupported protocol version) end the run at once.
 */
public final class FederationClient {
  private static final Logger log = LoggerFactory.getLogger(FederationClient.class);

  /** The longest a client waits before polling again, whatever a WAIT task asks. */
  static final long MAX_RETRY_AFTER_MS = 60_000;

  /** How long to wait before polling again after {@code wait}: its {@code retry_after_ms} (unsigned), at most {@link #MAX_RETRY_AFTER_MS}. */
  static long retryAfterMillis(io.lianbang.grpc.proto.v1.WaitInstruction wait) {
    return Math.min(Integer.toUnsignedLong(wait.getRetryAfterMs()), MAX_RETRY_AFTER_MS);
  }

  /** The largest Paillier modulus a client accepts from a server, in bits. */
  static final int MAX_PAILLIER_MODULUS_BITS = 16384;

  private final FederationGrpc.FederationBlockingStub blocking;
  private final ParameterTransfer transfer;
  private final Client client;
  private final ClientSettings settings;
  private final UnaryOperator<SecAggMessage> secagg;
  private final PaillierClient paillier;
  private final CompressionState compression = new CompressionState();

  /**
   * What a finished run did.
   *
   * @param secaggStages secure-aggregation stages this client answered and the server accepted
   */
  public record Summary(int fitTasks, int evaluateTasks, int rejectedResults, String finishReason, int secaggStages) {}

  /**
   * A client that talks to the server over {@code channel}; the caller owns the channel. If
   * {@code client} is a {@link SecAggClient}, its participant answers secure-aggregation stages;
   * otherwise the client reports an error for every stage it is sent. Likewise, if {@code client}
   * is a {@link PaillierClient}, it answers Paillier tasks with its encrypted contribution.
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
    this.client = Objects.requireNonNull(client, "client");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.transfer = new ParameterTransfer(blocking, FederationGrpc.newStub(channel), settings);
    this.secagg = secagg;
    this.paillier = client instanceof PaillierClient p ? p : null;
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
    Backoff backoff = new Backoff(settings);
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
            .getTask(GetTaskRequest.newBuilder().setSessionId(session.id()).setMaxWaitMs((int) settings.pollWait().toMillis())
                .setHeldRound(compression.heldRound()).build());
        backoff.reachable();
        switch (task.getKindCase()) {
          case FINISH -> {
            log.info("{}: the server ended the run: {}", settings.name(), task.getFinish().getReason());
            return new Summary(fits, evals, rejected, task.getFinish().getReason(), stages);
          }
          case WAIT -> {
            long after = retryAfterMillis(task.getWait());
            if (after > 0) Thread.sleep(after);
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
          case PAILLIER -> {
            if (!answerPaillier(session, task)) rejected++;
          }
          case KIND_NOT_SET -> log.warn("{}: the server sent a task without a kind; polling again", settings.name());
        }
      } catch (StatusRuntimeException e) {
        Status status = e.getStatus();
        Remedy remedy = Remedy.of(e, session == null);
        if (remedy == Remedy.STOP) {
          throw new FederationClientException("the server refused client " + settings.name() + ": " + status.getCode()
              + ": " + status.getDescription(), e);
        }
        String tls = TlsRefusal.describe(e);
        if (tls != null) {
          throw new FederationClientException("the TLS handshake with the server failed over a certificate (" + tls
              + "): the server refused this client's certificate (missing, or not signed by the CA it trusts), or this "
              + "client does not trust the server's; retrying cannot fix that", e);
        }
        if (remedy == Remedy.REGISTER_AGAIN) {
          log.info("{}: the server no longer knows this session; registering again", settings.name());
          session = null;
          continue;
        }
        long sleep = backoff.next(e);
        log.info("{}: {} ({}); retrying in {} ms", settings.name(), status.getCode(), status.getDescription(), sleep);
        Thread.sleep(sleep);
      }
    }
  }

  private Session register() {
    RegisterRequest.Builder request = RegisterRequest.newBuilder().setProtocolVersion(ProtocolVersion.PROTOCOL_VERSION_1)
        .setClientName(settings.name());
    if (settings.modelLayout() != null) request.setModelLayout(TensorSpecs.ofShapes(settings.modelLayout()));
    request.addAllCodecs(settings.codecs());
    RegisterResponse r = blocking.withDeadlineAfter(settings.rpcTimeout().toMillis(), TimeUnit.MILLISECONDS).register(request.build());
    compression.enter(r.getRunId());
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
    EncodedTensors update = null;
    List<byte[]> sum = null;
    List<int[]> layout = null;
    FitInstruction instruction = task.getFit();
    Codec downloadCodec = null;
    Parameters base = null;
    Codec uploadCodec = null;
    try {
      layout = transfer.acceptedLayout(spec);
      if (fit && instruction.hasDownloadEncoding()) {
        downloadCodec = codec("download_encoding", instruction.getDownloadEncoding());
        int baseRound = instruction.getDownloadBaseRound();
        base = baseRound == 0 ? null : compression.start(baseRound);
        if (baseRound != 0 && base == null) {
          throw new IllegalArgumentException("download_base_round is " + Integer.toUnsignedString(baseRound) + " but this client holds "
              + (compression.heldRound() == 0 ? "no fit round's start" : "the start of round " + compression.heldRound()));
        }
      }
      if (fit && instruction.hasUploadEncoding()) uploadCodec = codec("upload_encoding", instruction.getUploadEncoding());
    } catch (IllegalArgumentException e) {
      layout = null;
      log.warn("{}: refusing the {} task of round {}: {}", settings.name(), fit ? "fit" : "evaluate", task.getRound(), e.getMessage());
      header.setError(TaskError.newBuilder().setMessage("refused: " + e.getMessage()));
    }
    if (layout != null) {
      Parameters parameters = downloadCodec == null ? transfer.download(ref, layout, deadline, session.info().getMaxChunkBytes())
          : decode(transfer.downloadEncoded(ref, downloadCodec, layout, deadline, session.info().getMaxChunkBytes()), layout, base);
      if (fit && !settings.codecs().isEmpty()) compression.hold(task.getRound(), parameters); // only a client that can decode a delta uses it
      try {
        if (fit) {
          FitResult r = client.fit(new FitTask(task.getRound(), parameters, Values.fromProto(instruction.getConfigMap()), instruction.getSeed()));
          FitOutput.Builder output = FitOutput.newBuilder().setParameters(TensorSpecs.of(r.parameters())).setNumExamples(r.numExamples())
              .putAllMetrics(r.metrics().asMap());
          if (r.isPartialSum()) { // an edge aggregator: its clients' exact sum, never their models
            if (uploadCodec != null) throw new IllegalStateException("an edge aggregator's exact sum cannot be sent with an upload encoding");
            output.setExactSum(ExactSum.newBuilder().setTotalWeight(r.partialSum().totalWeight()).setTerms(r.partialSum().terms()));
            sum = ExactSums.encode(r.partialSum(), r.parameters().shapes());
          } else if (uploadCodec == null) {
            out = r.parameters();
          } else {
            update = compression.encoder(uploadCodec, instruction.getErrorFeedback()).encode(parameters, r.parameters(), instruction.getSeed());
            output.setEncoding(instruction.getUploadEncoding());
          }
          header.setFit(output);
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
      if (header.hasError()) sum = null;
      SubmitResponse response = sum != null ? transfer.upload(header.build(), sum, deadline, session.info().getMaxChunkBytes())
          : update == null ? transfer.upload(header.build(), out, deadline, session.info().getMaxChunkBytes())
          : transfer.upload(header.build(), update, deadline, session.info().getMaxChunkBytes());
      log.info("{}: {} of round {} {}", settings.name(), fit ? "fit" : "evaluate", task.getRound(),
          response.getAccepted() ? "accepted" : "reported as failed");
      return response.getAccepted() || header.hasError();
    } catch (StatusRuntimeException e) {
      if (Remedy.of(e, false) == Remedy.DROP_RESULT) {
        log.warn("{}: the server rejected the result of round {}: {}: {}", settings.name(), task.getRound(), e.getStatus().getCode(),
            e.getStatus().getDescription());
        return false;
      }
      throw e;
    }
  }

  /** The codec of an encoding the server sent; IllegalArgumentException naming {@code field} if it is unusable. */
  private static Codec codec(String field, Encoding encoding) {
    try {
      return Encodings.codec(encoding);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " " + Encodings.describe(encoding) + " is unusable: " + e.getMessage(), e);
    }
  }

  /**
   * The model an encoded download gives: its decoding, or {@code base} plus the decoded
   * difference; {@code INTERNAL} if the bytes do not decode.
   */
  private static Parameters decode(EncodedTensors encoded, List<int[]> layout, Parameters base) {
    try {
      if (base == null) return encoded.decodeAs(layout);
      List<int[]> held = base.shapes();
      for (int t = 0; t < layout.size(); t++) {
        if (held.size() != layout.size() || !Arrays.equals(held.get(t), layout.get(t))) {
          throw new IllegalArgumentException("the held start's layout differs from the task's at tensor " + t);
        }
      }
      return encoded.addTo(base);
    } catch (RuntimeException e) {
      throw Status.INTERNAL.withDescription("the server sent encoded parameters that do not decode: " + e.getMessage()).asRuntimeException();
    }
  }

  /** The error-feedback residual of tensor {@code t} of {@code length} values that this client keeps for its next update. */
  float[] residual(int t, int length) {
    return compression.residual(t, length);
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
      TaskError.Builder error = TaskError.newBuilder().setMessage(String.valueOf(e.getMessage()));
      if (e instanceof SecAggException s) error.setKind(s.kind().name());
      reply.setError(error);
    }
    try {
      SecAggAck ack = blocking.withDeadline(deadline(task)).submitSecAgg(reply.build());
      return ack.getAccepted() || reply.hasError();
    } catch (StatusRuntimeException e) {
      if (Remedy.of(e, false) == Remedy.DROP_RESULT) {
        log.warn("{}: the server refused the secure-aggregation reply of round {}: {}: {}", settings.name(), task.getRound(),
            e.getStatus().getCode(), e.getStatus().getDescription());
        return false;
      }
      throw e;
    }
  }

  /**
   * Sends this round's contribution encrypted under the key in the task, in parts of at most
   * max_chunk_bytes of ciphertexts, or an error; returns false if the server refused a part.
   */
  private boolean answerPaillier(Session session, Task task) {
    TaskRef ref = TaskRef.newBuilder().setSessionId(session.id()).setRunId(task.getRunId())
        .setRound(task.getRound()).setTaskId(task.getTaskId()).build();
    List<EncryptedPart> parts = new ArrayList<>();
    try {
      if (paillier == null) throw new IllegalStateException("client " + settings.name() + " does not take part in Paillier aggregation");
      // The bytes are bounded by the channel's inbound message limit; their leading zeros (a sign byte) do not count.
      BigInteger n = new BigInteger(1, task.getPaillier().getModulus().toByteArray());
      if (n.bitLength() > MAX_PAILLIER_MODULUS_BITS) {
        throw new IllegalArgumentException("paillier modulus of " + n.bitLength() + " bits exceeds " + MAX_PAILLIER_MODULUS_BITS);
      }
      PaillierPublicKey key = new PaillierPublicKey(n);
      EncryptedVector c = paillier.take(task.getRound(), key, task.getPaillier().getLength());
      int bytesEach = (key.nSquared().bitLength() + 7) / 8 + 4; // value and protobuf framing
      int perPart = Math.max(1, (session.info.getMaxChunkBytes() - 256) / bytesEach);
      List<BigInteger> all = c.ciphertexts();
      for (int from = 0; from < all.size(); from += perPart) {
        EncryptedPart.Builder part = EncryptedPart.newBuilder().setTask(ref).setOffset(from);
        for (BigInteger x : all.subList(from, Math.min(all.size(), from + perPart))) part.addCiphertexts(ByteString.copyFrom(x.toByteArray()));
        parts.add(part.build());
      }
    } catch (RuntimeException e) {
      log.warn("{}: Paillier contribution of round {} failed: {}", settings.name(), task.getRound(), e.toString());
      parts = List.of(EncryptedPart.newBuilder().setTask(ref).setError(TaskError.newBuilder().setMessage(String.valueOf(e.getMessage()))).build());
    }
    try {
      boolean accepted = true;
      for (EncryptedPart part : parts) {
        EncryptedAck ack = blocking.withDeadline(deadline(task)).submitEncrypted(part);
        accepted = ack.getAccepted() || part.hasError();
      }
      return accepted;
    } catch (StatusRuntimeException e) {
      if (Remedy.of(e, false) == Remedy.DROP_RESULT) {
        log.warn("{}: the server refused the encrypted contribution of round {}: {}: {}", settings.name(), task.getRound(),
            e.getStatus().getCode(), e.getStatus().getDescription());
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
}
