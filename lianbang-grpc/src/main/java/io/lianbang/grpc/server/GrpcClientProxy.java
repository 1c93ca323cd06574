package io.lianbang.grpc.server;

import io.lianbang.core.client.AbstractClientProxy;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * The server's handle to one remote client. A call queues a task for the client's next poll; the
 * returned future completes when the client's upload has been received and validated, fails at
 * once if the client drops, and times out at the deadline. Cancelling the future closes the task:
 * a late upload for it is then rejected as stale.
 */
public final class GrpcClientProxy extends AbstractClientProxy {
  private final GrpcClientPool pool;

  GrpcClientProxy(String id, GrpcClientPool pool) {
    super(id);
    this.pool = pool;
  }

  @Override
  public CompletableFuture<FitResult> fit(FitTask task, Instant deadline) {
    return pool.send(id(), new PendingTask.Fit(PendingTask.newId(task.round(), PendingTask.Kind.FIT), task.round(), task.parameters(),
        task.config(), task.seed(), task.transfer(), deadline), FitResult.class);
  }

  @Override
  public CompletableFuture<EvalResult> evaluate(EvalTask task, Instant deadline) {
    return pool.send(id(), new PendingTask.Evaluate(PendingTask.newId(task.round(), PendingTask.Kind.EVALUATE), task.round(), task.parameters(),
        task.config(), deadline), EvalResult.class);
  }
}
