package io.lianbang.grpc.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lianbang.grpc.RefusalReason;
import java.util.Optional;
import java.util.Set;

/**
 * What a {@link FederationClient} does about a failed call. Decided from the server's
 * {@link RefusalReason} when the status carries one, never from the description text; a status
 * without a reason (a transport failure, a deadline, a refusal from gRPC itself) is judged by its
 * code alone.
 */
enum Remedy {
  /** Retrying cannot fix it: end the run with an error. */
  STOP,
  /** The server no longer knows the session: register again at once. */
  REGISTER_AGAIN,
  /** The server refused this answer to a task: drop it and poll for the next task. */
  DROP_RESULT,
  /** The server may be back later: retry with backoff. */
  RETRY;

  /** Codes that, without a reason, retrying cannot fix; ABORTED: another registration replaced the session. */
  private static final Set<Status.Code> FATAL = Set.of(
      Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED, Status.Code.UNIMPLEMENTED, Status.Code.ABORTED);

  /**
   * The remedy for {@code failure}.
   *
   * @param registering whether the failed call was a registration (there is no session yet, so
   *     a refused request cannot be dropped: the same registration would be refused again)
   */
  static Remedy of(StatusRuntimeException failure, boolean registering) {
    Optional<RefusalReason> reason = RefusalReason.of(failure);
    Remedy remedy = reason.isPresent() ? of(reason.get()) : ofCode(failure.getStatus().getCode());
    return registering && remedy == DROP_RESULT ? STOP : remedy;
  }

  /** The remedy for a refusal with {@code reason}. */
  static Remedy of(RefusalReason reason) {
    return switch (reason) {
      case UNSUPPORTED_PROTOCOL, INVALID_CLIENT_NAME, UNAUTHENTICATED, NOT_ALLOWED, LAYOUT_MISMATCH, SESSION_REPLACED,
          FOREIGN_SESSION -> STOP;
      case UNKNOWN_SESSION -> REGISTER_AGAIN;
      case WRONG_RUN, UNKNOWN_TASK, TASK_CLOSED, STALE_ROUND, UPLOAD_IN_PROGRESS, WRONG_TASK_KIND, LIMIT_EXCEEDED, INVALID_RESULT,
          PROTOCOL_VIOLATION, MALFORMED_MESSAGE, SECAGG_WRONG_STAGE, SECAGG_WRONG_ROUND, SECAGG_FORGED_SENDER -> DROP_RESULT;
      case TOO_MANY_DOWNLOADS, SERVER_SHUTTING_DOWN -> RETRY;
    };
  }

  private static Remedy ofCode(Status.Code code) {
    if (FATAL.contains(code)) return STOP;
    if (code == Status.Code.INVALID_ARGUMENT || code == Status.Code.FAILED_PRECONDITION || code == Status.Code.NOT_FOUND) {
      return DROP_RESULT;
    }
    return RETRY;
  }
}
