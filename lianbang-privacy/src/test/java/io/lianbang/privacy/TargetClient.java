package io.lianbang.privacy;

import io.lianbang.core.client.Client;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A test client whose update is known in closed form, so that a federation of them can be run
 * with and without a privacy decorator and the models compared: each fit moves the model halfway
 * towards a private target and reports {@code examples} as its weight.
 */
public record TargetClient(float[] target, long examples) implements Client {
  /**
   * {@code n} clients drawn from {@code seed}: targets of {@code dim} coordinates, each N(0, 0.6²),
   * and weights from 50 to 449 examples.
   */
  public static List<TargetClient> random(int n, int dim, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    List<TargetClient> out = new ArrayList<>();
    for (int c = 0; c < n; c++) {
      float[] t = new float[dim];
      for (int i = 0; i < dim; i++) t[i] = (float) (0.6 * rng.nextGaussian());
      out.add(new TargetClient(t, 50 + rng.nextInt(400)));
    }
    return out;
  }

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
