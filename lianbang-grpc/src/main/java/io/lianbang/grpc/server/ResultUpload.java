package io.lianbang.grpc.server;

import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.lianbang.core.aggregate.ExactWeightedSum;
import io.lianbang.core.client.InvalidResultException;
import io.lianbang.core.compress.Codec;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.grpc.RefusalReason;
import io.lianbang.grpc.proto.v1.EvaluateOutput;
import io.lianbang.grpc.proto.v1.FitOutput;
import io.lianbang.grpc.proto.v1.ResultHeader;
import io.lianbang.grpc.proto.v1.ResultPart;
import io.lianbang.grpc.proto.v1.SubmitResponse;
import io.lianbang.grpc.wire.ChunkAssembler;
import io.lianbang.grpc.wire.EncodedChunkAssembler;
import io.lianbang.grpc.wire.Encodings;
import io.lianbang.grpc.wire.ExactSums;
import io.lianbang.grpc.wire.TensorSpecs;
import io.lianbang.grpc.wire.Values;

/**
 * One {@code SubmitResult} call: a header naming the task, then the result's tensor chunks, each
 * validated as it arrives (gRPC delivers the next message only after this one was handled, so
 * memory is the result itself plus one chunk). A fit result's chunks are read only once the
 * server's {@link UploadGate} has admitted the upload (an edge aggregator's exact partial sum,
 * from a client the {@link EdgePolicy} names, likewise), so at most
 * {@link PeerLimits#maxConcurrentUploads()} results are assembled at a time; the result is
 * folded into the round's aggregate before the upload gives its place to the next.
 *
 * <p>Errors that cannot be pinned on an open task (unknown session or task, another run, a closed
 * task, a stale round, a concurrent upload) are refused and change nothing. Once the header has
 * named an open task, a malformed result (wrong tensors, NaN or infinite values, bad counts,
 * metrics or an error message beyond the {@link PeerLimits},
 * chunks out of order, oversized or truncated; an encoding other than the task asked for, encoded
 * tensors of another size than the codec's or that do not decode) closes that task as an invalid result, which the
 * round records as the client's failure. A call that breaks off without completing leaves the
 * task open for another try before its deadline. An upload still open when its task closes (its
 * deadline passed, or the round ended) is ended at once, so a stalled client holds neither the
 * call nor its partial result beyond the task's deadline.
 *
 * <p>gRPC calls the observer methods one at a time, but the task may close on another thread, so
 * every method is synchronized. The close is handled on the server's timer, never on the thread
 * that closes the task: when this upload itself completes the task, it is closed by the time the
 * handler gets the lock.
 */
final class ResultUpload implements StreamObserver<ResultPart> {
  private final FederationService service;
  private final ServerSettings settings;
  private final ServerCallStreamObserver<SubmitResponse> response;
  private RemoteClient client;
  private PendingTask task;
  private ResultHeader header;
  private ChunkAssembler chunks;
  /** Instead of {@link #chunks}, for an encoded update: its bytes. */
  private EncodedChunkAssembler encodedChunks;
  /** Instead of {@link #chunks}, for an edge aggregator's exact partial sum: its words. */
  private EncodedChunkAssembler sumChunks;
  private boolean closed;
  private Admission admission = Admission.NONE;
  /** Whether this upload is counted in the service's uploads in flight, since {@link #startNanos}. */
  private boolean inFlight;
  private long startNanos;

  /** Where this upload stands at the {@link UploadGate}. */
  private enum Admission { NONE, WAITING, ADMITTED }

  /**
   * An upload on {@code response}, whose automatic inbound flow control the caller has disabled:
   * this upload requests each message itself, and requests a fit result's chunks only once the
   * gate has admitted it.
   */
  ResultUpload(FederationService service, ServerSettings settings, ServerCallStreamObserver<SubmitResponse> response) {
    this.service = service;
    this.settings = settings;
    this.response = response;
  }

  /** The gate admitted this upload: read its chunks, or give the place back if it ended meanwhile. */
  synchronized void admitted() {
    admission = Admission.ADMITTED;
    if (closed) {
      releaseAdmission();
    } else {
      response.request(1);
    }
  }

  private void releaseAdmission() {
    if (admission == Admission.NONE) return;
    service.uploads().release(this, admission == Admission.ADMITTED);
    admission = Admission.NONE;
  }

  @Override
  public synchronized void onNext(ResultPart part) {
    if (closed) return;
    try {
      switch (part.getPartCase()) {
        case HEADER -> onHeader(part.getHeader());
        case CHUNK -> {
          if (header == null) throw refuse(RefusalReason.PROTOCOL_VIOLATION, "the first message of an upload must be a ResultHeader, got a chunk");
          if (!carriesTensors()) throw invalid(RefusalReason.PROTOCOL_VIOLATION, "a " + header.getOutcomeCase().name().toLowerCase(java.util.Locale.ROOT) + " result carries no tensor chunks");
          if (task.result.isDone()) throw refuse(RefusalReason.TASK_CLOSED, "task '" + task.id + "' closed during the upload (its deadline passed)");
          try {
            if (sumChunks != null) sumChunks.accept(part.getChunk());
            else if (encodedChunks != null) encodedChunks.accept(part.getChunk());
            else chunks.accept(part.getChunk());
          } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
          }
          response.request(1);
        }
        case PART_NOT_SET -> throw header == null
            ? refuse(RefusalReason.PROTOCOL_VIOLATION, "an upload message holds neither a header nor a chunk")
            : invalid(RefusalReason.PROTOCOL_VIOLATION, "an upload message holds neither a header nor a chunk");
      }
    } catch (StatusRuntimeException e) {
      fail(e);
    }
  }

  private void onHeader(ResultHeader h) {
    if (header != null) throw invalid(RefusalReason.PROTOCOL_VIOLATION, "a second ResultHeader in one upload");
    client = service.session("SubmitResult", h.getTask().getSessionId());
    PendingTask t = service.task("SubmitResult", client, h.getTask());
    if (!t.uploading.compareAndSet(false, true)) {
      throw refuse(RefusalReason.UPLOAD_IN_PROGRESS, "an upload for task '" + t.id + "' is already in progress");
    }
    task = t;
    header = h;
    inFlight = true;
    startNanos = System.nanoTime();
    service.uploadsInFlight.incrementAndGet();
    switch (h.getOutcomeCase()) {
      case FIT -> {
        if (!(task instanceof PendingTask.Fit fitTask)) throw invalid(RefusalReason.WRONG_TASK_KIND, "task '" + task.id + "' is " + task.kindName() + ", but the result is a fit");
        FitOutput fit = h.getFit();
        String mismatch = TensorSpecs.mismatch(fitTask.parameters, fit.getParameters());
        if (mismatch != null) throw invalid("parameters: " + mismatch);
        if (fit.getNumExamples() <= 0) throw invalid("num_examples must be > 0, got " + fit.getNumExamples());
        metrics(fit.getMetricsMap());
        Codec asked = fitTask.upload();
        if (fit.hasExactSum()) {
          exactSum(fit, fitTask, asked);
        } else if (fit.hasEncoding()) {
          if (asked == null || !Encodings.names(fit.getEncoding(), asked)) {
            throw invalid("fit.encoding is " + Encodings.describe(fit.getEncoding()) + " but task '" + task.id + "' asked for "
                + (asked == null ? "none (the trained model as float32)" : Encodings.describe(Encodings.of(asked))));
          }
          try {
            encodedChunks = new EncodedChunkAssembler(asked, fitTask.parameters.shapes(), settings.maxChunkBytes());
          } catch (IllegalArgumentException e) {
            throw invalid("fit.encoding: " + e.getMessage());
          }
        } else {
          chunks = new ChunkAssembler(fitTask.parameters.shapes(), settings.maxChunkBytes(), true);
        }
      }
      case EVALUATE -> {
        if (!(task instanceof PendingTask.Evaluate)) throw invalid(RefusalReason.WRONG_TASK_KIND, "task '" + task.id + "' is " + task.kindName() + ", but the result is an evaluation");
        EvaluateOutput e = h.getEvaluate();
        if (!Double.isFinite(e.getLoss())) throw invalid("loss is " + e.getLoss() + ", not a finite number");
        if (e.getNumExamples() <= 0) throw invalid("num_examples must be > 0, got " + e.getNumExamples());
        metrics(e.getMetricsMap());
      }
      case ERROR -> {
        try {
          settings.limits().checkError(h.getError().getMessage());
        } catch (LimitExceededException e) {
          throw invalid(RefusalReason.LIMIT_EXCEEDED, e.getMessage());
        }
      }
      case OUTCOME_NOT_SET -> throw invalid(RefusalReason.PROTOCOL_VIOLATION, "the ResultHeader has no outcome (fit, evaluate or error)");
    }
    task.result.whenCompleteAsync((r, e) -> taskClosed(), service.callbacks());
    if (!carriesTensors()) {
      response.request(1);
    } else if (service.uploads().admit(this)) {
      admission = Admission.ADMITTED;
      response.request(1);
    } else {
      admission = Admission.WAITING;
    }
  }

  /**
   * Checks the header of an edge aggregator's partial sum: the sender is a configured edge, the
   * task asked for no encoding, the term count and weight are in range; its chunks are then the
   * sum's 16 bytes per value.
   */
  private void exactSum(FitOutput fit, PendingTask.Fit fitTask, Codec asked) {
    if (!settings.edges().isEdge(client.id)) {
      throw invalid(RefusalReason.NOT_ALLOWED, "fit.exact_sum: client " + client.id + " is not configured as an edge aggregator");
    }
    if (fit.hasEncoding() || asked != null) throw invalid("fit.exact_sum cannot be combined with an upload encoding");
    int terms = fit.getExactSum().getTerms();
    if (terms < 1 || terms > settings.edges().maxTerms()) {
      throw invalid(RefusalReason.LIMIT_EXCEEDED, "fit.exact_sum.terms must be in [1, " + settings.edges().maxTerms() + "], got "
          + Integer.toUnsignedString(terms));
    }
    double weight = fit.getExactSum().getTotalWeight();
    if (!(weight > 0) || !Double.isFinite(weight) || weight != fit.getNumExamples()) {
      throw invalid("fit.exact_sum.total_weight must be finite, > 0 and equal to num_examples " + fit.getNumExamples() + ", got " + weight);
    }
    try {
      sumChunks = new EncodedChunkAssembler("exact sum", ExactSums.sizes(fitTask.parameters.shapes()), settings.maxChunkBytes());
    } catch (IllegalArgumentException e) {
      throw invalid("fit.exact_sum: " + e.getMessage());
    }
  }

  private boolean carriesTensors() {
    return chunks != null || encodedChunks != null || sumChunks != null;
  }

  /**
   * The trained model of an encoded update: the task's start plus the decoded update.
   *
   * @throws IllegalArgumentException naming the problem if the bytes do not decode or decode to a
   *     non-finite value
   */
  private Parameters decode(PendingTask.Fit fit) {
    Parameters trained;
    try {
      trained = encodedChunks.finish().addTo(fit.parameters);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the encoded update does not decode: " + e.getMessage(), e);
    } catch (RuntimeException e) { // a codec must refuse with IllegalArgumentException; never let bytes crash the call
      throw new IllegalArgumentException("the encoded update does not decode: " + e, e);
    }
    String nonFinite = trained.firstNonFinite();
    if (nonFinite != null) throw new IllegalArgumentException("the decoded update gives a non-finite value: " + nonFinite);
    return trained;
  }

  /** The task closed: unless this upload closed it, end the upload. */
  private synchronized void taskClosed() {
    if (closed) return;
    fail(refuse(RefusalReason.TASK_CLOSED, "task '" + task.id + "' closed during the upload (its deadline passed or its round ended)"));
  }

  /** A result's metrics, within the server's {@link PeerLimits}. */
  private Metrics metrics(java.util.Map<String, Double> m) {
    try {
      settings.limits().checkMetrics(m);
      return Values.metrics(m);
    } catch (LimitExceededException e) {
      throw invalid(RefusalReason.LIMIT_EXCEEDED, e.getMessage());
    } catch (IllegalArgumentException e) {
      throw invalid(e.getMessage());
    }
  }

  @Override
  public synchronized void onCompleted() {
    if (closed) return;
    try {
      if (header == null) throw refuse(RefusalReason.PROTOCOL_VIOLATION, "the upload ended without a ResultHeader");
      Object result = switch (header.getOutcomeCase()) {
        case FIT -> {
          try {
            FitOutput f = header.getFit();
            if (sumChunks != null) {
              ExactWeightedSum.State state = ExactSums.decode(sumChunks.bytes(), f.getExactSum().getTotalWeight(), f.getExactSum().getTerms());
              yield FitResult.ofPartialSum(ExactWeightedSum.of(((PendingTask.Fit) task).parameters, state), metrics(f.getMetricsMap()));
            }
            Parameters trained = encodedChunks != null ? decode((PendingTask.Fit) task) : chunks.finish();
            yield new FitResult(trained, f.getNumExamples(), metrics(f.getMetricsMap()));
          } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
          }
        }
        case EVALUATE -> {
          EvaluateOutput e = header.getEvaluate();
          yield new EvalResult(e.getLoss(), e.getNumExamples(), metrics(e.getMetricsMap()));
        }
        default -> null;
      };
      boolean taken = result == null
          ? task.result.completeExceptionally(new ClientReportedException("client reported an error: "
              + FederationService.printable(header.getError().getMessage())))
          : task.result.complete(result);
      if (!taken) throw refuse(RefusalReason.TASK_CLOSED, "task '" + task.id + "' closed before the upload finished (its deadline passed)");
      closed = true;
      chunks = null;
      encodedChunks = null;
    sumChunks = null;
      sumChunks = null;
      releaseAdmission(); // the result is folded in (or refused) by now: the next upload may start
      ended(result != null);
      response.onNext(SubmitResponse.newBuilder().setAccepted(result != null).build());
      response.onCompleted();
    } catch (StatusRuntimeException e) {
      fail(e);
    }
  }

  @Override
  public synchronized void onError(Throwable t) {
    // The client broke off (network, cancellation): the task stays open for another try.
    closed = true;
    chunks = null;
    encodedChunks = null;
    sumChunks = null;
    releaseAdmission();
    if (task != null) task.uploading.set(false);
    ended(false);
  }

  /** The upload is over; {@code delivered}: its task took a result (not an error report). */
  private void ended(boolean delivered) {
    if (!inFlight) return;
    inFlight = false;
    service.uploadEnded(System.nanoTime() - startNanos, delivered);
  }

  private StatusRuntimeException refuse(RefusalReason reason, String description) {
    return FederationService.reject(reason, "SubmitResult", client == null ? null : client.id, description);
  }

  /** A malformed result for an open task: the task closes as the client's invalid result. */
  private StatusRuntimeException invalid(String description) {
    return invalid(RefusalReason.INVALID_RESULT, description);
  }

  /** A result refused for {@code reason}, an {@code INVALID_ARGUMENT} one: the open task closes as the client's invalid result. */
  private StatusRuntimeException invalid(RefusalReason reason, String description) {
    StatusRuntimeException e = refuse(reason, description);
    if (task != null) task.result.completeExceptionally(new InvalidResultException("rejected upload: " + description));
    return e;
  }

  private void fail(StatusRuntimeException e) {
    if (closed) return;
    closed = true;
    chunks = null;
    encodedChunks = null;
    sumChunks = null;
    releaseAdmission();
    if (task != null) task.uploading.set(false);
    ended(false);
    if (!response.isCancelled()) response.onError(e);
  }
}
