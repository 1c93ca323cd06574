package io.lianbang.grpc;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Optional;

/**
 * Why the server refused a call, in machine-readable form: every refusal carries a
 * {@code google.rpc.ErrorInfo} with domain {@link #DOMAIN} and one of these names as its
 * {@code reason}, next to the gRPC status code (fixed per reason) and a description for humans.
 * Clients decide from the reason, never from the description, which may change. The names are
 * part of the protocol (see {@code docs/protocol.md}, Statuses).
 */
public enum RefusalReason {
  /** The client speaks a protocol version the server does not. */
  UNSUPPORTED_PROTOCOL(Status.Code.FAILED_PRECONDITION),
  /** The name an anonymous client registered with is not a valid client name. */
  INVALID_CLIENT_NAME(Status.Code.INVALID_ARGUMENT),
  /** No acceptable credentials: no or unknown bearer token, an ambiguous client certificate. */
  UNAUTHENTICATED(Status.Code.UNAUTHENTICATED),
  /** The identity is not in the server's allow-list, or sends an exact partial sum without being configured as an edge. */
  NOT_ALLOWED(Status.Code.PERMISSION_DENIED),
  /** The model layout the client declared at registration is not the server's. */
  LAYOUT_MISMATCH(Status.Code.FAILED_PRECONDITION),
  /** The server does not know the session (it expired, was dropped, or the server restarted): register again. */
  UNKNOWN_SESSION(Status.Code.NOT_FOUND),
  /** A newer registration with the same identity replaced the session: stop. */
  SESSION_REPLACED(Status.Code.ABORTED),
  /** The session belongs to another identity. */
  FOREIGN_SESSION(Status.Code.PERMISSION_DENIED),
  /** The request names a run other than the server's current one. */
  WRONG_RUN(Status.Code.FAILED_PRECONDITION),
  /** The session never had a task with this id. */
  UNKNOWN_TASK(Status.Code.NOT_FOUND),
  /** The task is closed: answered, past its deadline, or superseded by a newer round. */
  TASK_CLOSED(Status.Code.FAILED_PRECONDITION),
  /** The request names a round that is not the task's. */
  STALE_ROUND(Status.Code.FAILED_PRECONDITION),
  /** Another upload for the task is in progress. */
  UPLOAD_IN_PROGRESS(Status.Code.FAILED_PRECONDITION),
  /** The call does not fit the task's kind (a download for a stage task, a fit result for an evaluation, ...). */
  WRONG_TASK_KIND(Status.Code.INVALID_ARGUMENT),
  /** A value beyond one of the server's limits on what a peer may send (id length, metrics, error message). */
  LIMIT_EXCEEDED(Status.Code.INVALID_ARGUMENT),
  /** The session already has as many downloads open as the server allows. */
  TOO_MANY_DOWNLOADS(Status.Code.RESOURCE_EXHAUSTED),
  /** A result whose content is malformed (tensors, values, counts, chunks); its task closes as the client's invalid result. */
  INVALID_RESULT(Status.Code.INVALID_ARGUMENT),
  /** Messages out of protocol order or incomplete (a chunk before the header, no header, no outcome). */
  PROTOCOL_VIOLATION(Status.Code.INVALID_ARGUMENT),
  /** Bytes that are not a valid message: not protobuf, or not a SecAgg message. */
  MALFORMED_MESSAGE(Status.Code.INVALID_ARGUMENT),
  /** A secure-aggregation reply of another stage than the task's. */
  SECAGG_WRONG_STAGE(Status.Code.FAILED_PRECONDITION),
  /** A secure-aggregation reply for another round than the task's. */
  SECAGG_WRONG_ROUND(Status.Code.FAILED_PRECONDITION),
  /** A secure-aggregation reply whose sender index is not the session's participant index. */
  SECAGG_FORGED_SENDER(Status.Code.PERMISSION_DENIED),
  /** The server is shutting down before the run is over: retry, then register with its successor. */
  SERVER_SHUTTING_DOWN(Status.Code.UNAVAILABLE);

  /** The {@code ErrorInfo.domain} of every Lianbang refusal. */
  public static final String DOMAIN = "lianbang.io";

  private final Status.Code code;

  RefusalReason(Status.Code code) {
    this.code = code;
  }

  /** The gRPC status code a refusal for this reason carries. */
  public Status.Code code() {
    return code;
  }

  /** A refusal for this reason: its status code, {@code description}, and the {@code ErrorInfo} in the trailers. */
  public StatusRuntimeException refusal(String description) {
    com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
        .setCode(code.value())
        .setMessage(description)
        .addDetails(Any.pack(ErrorInfo.newBuilder().setDomain(DOMAIN).setReason(name()).build()))
        .build();
    return StatusProto.toStatusRuntimeException(status);
  }

  /**
   * The reason a Lianbang server gave for the failure {@code t}, or empty if it carries none (a
   * transport failure, a deadline, a status from something other than a Lianbang server, or a
   * reason this version does not know).
   */
  public static Optional<RefusalReason> of(Throwable t) {
    com.google.rpc.Status status = StatusProto.fromThrowable(t);
    if (status == null) return Optional.empty();
    for (Any detail : status.getDetailsList()) {
      if (!detail.is(ErrorInfo.class)) continue;
      try {
        ErrorInfo info = detail.unpack(ErrorInfo.class);
        if (!DOMAIN.equals(info.getDomain())) continue;
        for (RefusalReason r : values()) if (r.name().equals(info.getReason())) return Optional.of(r);
      } catch (InvalidProtocolBufferException e) {
        // a detail that claims to be an ErrorInfo but is not: no reason
      }
    }
    return Optional.empty();
  }
}
