package io.lianbang.core.client;

import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;

/**
 * What a data owner implements: train and evaluate a model on data that never leaves this object.
 *
 * <p>Lifecycle: the server sends any number of {@link #fit} and {@link #evaluate} calls, one at a
 * time per client, each carrying the global parameters to start from. Implementations keep their
 * raw data private and return only parameters, example counts and metrics. A call may be
 * abandoned by the server when its deadline passes; implementations should then return promptly
 * if interrupted.
 */
public interface Client {
  /**
   * Trains locally from {@code task.parameters()} and returns the new parameters.
   *
   * @throws RuntimeException on failure; the server records it as a failed result for this round
   */
  FitResult fit(FitTask task);

  /** Evaluates {@code task.parameters()} on local data. */
  EvalResult evaluate(EvalTask task);
}
