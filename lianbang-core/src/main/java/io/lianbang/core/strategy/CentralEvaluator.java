package io.lianbang.core.strategy;

import io.lianbang.core.task.EvalResult;
import io.lianbang.core.tensor.Parameters;

/** Evaluates the global model on data held by the server (a held-out test set, for instance). */
@FunctionalInterface
public interface CentralEvaluator {
  /** Evaluates {@code parameters} after {@code round} (0 = the initial model). */
  EvalResult evaluate(int round, Parameters parameters);
}
