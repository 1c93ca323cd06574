package io.lianbang.privacy;

import io.lianbang.core.client.Client;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;

/**
 * A test client whose update is known in closed form, so that a federation of them can be run
 * with and without a privacy decorator and the models compared: each fit moves the model halfway
 * towards a private target and reports {@code examples} as its weight.
 */
public record TargetClient(float[] target, long examples) implements Client {
  @Override
  public FitResult fit(FitTask task) {
    float[] w = task.parameters().flatten();
    for (int i = 0; i < w.length; i++) w[i] += 0.5f * (target[i] - w[i]);
    return new FitResult(Parameters.of(Tensor.vector(w)), examples, Metrics.of("train_loss", 1.0));
  }

  @Override
  public EvalResult evaluate(EvalTask task) {
    return new EvalResult(0, examples, Metrics.empty());
  }
}
