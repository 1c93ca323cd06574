package io.lianbang.python;

import io.lianbang.core.client.Client;
import io.lianbang.core.random.SplitMix64;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The Java twin of {@code tests/seeded_client.py}: fit returns {@code global + f(seed)}, where a
 * {@link SplitMix64} with the task's seed gives per value, in layout order, {@code x = (nextLong()
 * >>> 40) * 2^-24} and {@code delta = (x - 0.5f) * 2^-4f} in float32, added in float32; it reports
 * {@code examples} examples and {@code train_loss = 1 / examples}. Evaluate reports the loss
 * |first value|; the parameters each evaluation received (the round's aggregate) are kept by round.
 */
final class SeededClient implements Client {
  private final int examples;
  /** The model each evaluation received, by round. */
  final Map<Integer, float[]> evaluated = new ConcurrentSkipListMap<>();

  SeededClient(int examples) {
    this.examples = examples;
  }

  /** f(seed) for {@code count} values. */
  static float[] deltas(long seed, int count) {
    SplitMix64 r = new SplitMix64(seed);
    float[] out = new float[count];
    for (int i = 0; i < count; i++) {
      float x = (float) ((r.nextLong() >>> 40) * 0x1p-24);
      out[i] = (x - 0.5f) * 0x1p-4f;
    }
    return out;
  }

  @Override
  public FitResult fit(FitTask task) {
    float[] d = deltas(task.seed(), (int) task.parameters().flatten().length);
    List<Tensor> out = new ArrayList<>();
    int at = 0;
    for (Tensor t : task.parameters().tensors()) {
      float[] w = t.toArray();
      for (int i = 0; i < w.length; i++) w[i] = w[i] + d[at++];
      out.add(Tensor.adopt(t.shape(), w));
    }
    return new FitResult(Parameters.of(out), examples, Metrics.of("train_loss", 1.0 / examples));
  }

  @Override
  public EvalResult evaluate(EvalTask task) {
    evaluated.put(task.round(), task.parameters().flatten());
    return new EvalResult(Math.abs(task.parameters().tensor(0).get(0)), examples, Metrics.of("accuracy", 0.5));
  }
}
