package io.lianbang.grpc.server;

import io.grpc.StatusRuntimeException;
import io.lianbang.core.client.InvalidResultException;
import io.lianbang.grpc.RefusalReason;

/**
 * A client's answer on a unary RPC to one of its open tasks (a secure-aggregation stage reply, a
 * part of an encrypted contribution): the session and task it names, and its refusal, which also
 * closes the task as the client's invalid answer.
 */
final class TaskAnswer {
  final RemoteClient client;
  final PendingTask task;
  private final String rpc;
  private final String what;

  /** @param what the answer in the task's failure, e.g. "secure-aggregation reply" */
  TaskAnswer(String rpc, String what, RemoteClient client, PendingTask task) {
    this.rpc = rpc;
    this.what = what;
    this.client = client;
    this.task = task;
  }

  /** Refuses the answer and closes its task, which fails with "rejected WHAT: {@code description}". */
  StatusRuntimeException refuse(RefusalReason reason, String description) {
    StatusRuntimeException e = FederationService.reject(reason, rpc, client.id, description);
    task.result.completeExceptionally(new InvalidResultException("rejected " + what + ": " + description));
    return e;
  }

  /** Refuses the answer (LIMIT_EXCEEDED) if the client's error {@code message} exceeds {@code limits}. */
  void checkError(PeerLimits limits, String message) {
    try {
      limits.checkError(message);
    } catch (LimitExceededException e) {
      throw refuse(RefusalReason.LIMIT_EXCEEDED, e.getMessage());
    }
  }
}
