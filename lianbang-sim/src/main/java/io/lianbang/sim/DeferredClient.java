package io.lianbang.sim;

import io.lianbang.core.client.Client;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A client built only when one of its tasks runs, on the thread that runs it, and dropped after:
 * a round's queued tasks then hold no client data, only this and the index it closes over, so
 * memory grows with the worker threads, not with the clients sampled per round. Only for clients
 * without state across tasks (see {@link LazyClientPool}).
 */
final class DeferredClient implements Client {
  private final Supplier<Client> build;

  DeferredClient(Supplier<Client> build) {
    this.build = Objects.requireNonNull(build, "build");
  }

  @Override
  public FitResult fit(FitTask task) {
    return build.get().fit(task);
  }

  @Override
  public EvalResult evaluate(EvalTask task) {
    return build.get().evaluate(task);
  }
}
