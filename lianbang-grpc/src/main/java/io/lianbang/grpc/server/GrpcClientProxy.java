package io.lianbang.grpc.server;

import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The server's handle to one remote client. A call queues a task for the client's next poll; the
 * returned future completes when the client's upload has been received and validated, fails at
 * once if the client drops, and times out at the deadline. Cancelling the future closes the task:
 * a late upload for it is then rejected as stale.
 */
public final class GrpcClientProxy implements ClientProxy {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String id;
  private final GrpcClientPool pool;

  GrpcClientProxy(String id, GrpcClientPool pool) {
    this.id = id;
    this.pool = pool;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public CompletableFuture<FitResult> fit(FitTask task, Instant deadline) {
    return send(PendingTask.Kind.FIT, task.round(), task.parameters(), task.config(), task.seed(), deadline, FitResult.class);
  }

  @Override
  public CompletableFuture<EvalResult> evaluate(EvalTask task, Instant deadline) {
    return send(PendingTask.Kind.EVALUATE, task.round(), task.parameters(), task.config(), 0, deadline, EvalResult.class);
  }

  private <T> CompletableFuture<T> send(PendingTask.Kind kind, int round, io.lianbang.core.tensor.Parameters parameters,
      io.lianbang.core.task.Config config, long seed, Instant deadline, Class<T> type) {
    RemoteClient client = pool.live(id);
    if (client == null) {
      return CompletableFuture.failedFuture(new ClientGoneException("client " + id + " is no longer connected"));
    }
    byte[] raw = new byte[12];
    RANDOM.nextBytes(raw);
    String taskId = "r" + round + "-" + kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + HexFormat.of().formatHex(raw);
    PendingTask pending = new PendingTask(taskId, kind, round, parameters, config, seed, deadline);
    long nanos = Math.max(0, Duration.between(Instant.now(), deadline).toNanos());
    pending.result.orTimeout(nanos, TimeUnit.NANOSECONDS);
    client.enqueue(pending, pool.runId());
    CompletableFuture<T> view = new CompletableFuture<>();
    pending.result.whenComplete((r, e) -> {
      if (e != null) view.completeExceptionally(e);
      else view.complete(type.cast(r));
    });
    view.whenComplete((r, e) -> pending.result.cancel(false)); // cancelling the view closes the task
    return view;
  }

  @Override
  public String toString() {
    return "GrpcClientProxy[" + id + "]";
  }
}
