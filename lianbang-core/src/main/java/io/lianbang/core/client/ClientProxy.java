package io.lianbang.core.client;

import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * The server's asynchronous handle to one client. The same interface serves in-process clients in
 * a simulation and remote clients over the network, so a strategy runs unchanged in both.
 *
 * <p>Every call carries an absolute deadline. The returned future completes with the result, or
 * exceptionally with the client's error or a {@link java.util.concurrent.TimeoutException} once
 * the deadline has passed; it never stays pending past the deadline for long.
 *
 * <p>The returned future is the caller's. Once it has taken the result, the caller may release it
 * ({@link CompletableFuture#obtrudeValue obtrudeValue(null)}), so that a future the collector
 * promoted while its client waited does not keep a whole model alive; a proxy's own dependents on
 * a future it returned must therefore not read its value (they may react to its completion).
 */
public interface ClientProxy {
  /** A stable identifier, unique within a federation. */
  String id();

  /** Sends a training task. */
  CompletableFuture<FitResult> fit(FitTask task, Instant deadline);

  /** Sends an evaluation task. */
  CompletableFuture<EvalResult> evaluate(EvalTask task, Instant deadline);
}
