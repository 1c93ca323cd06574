package io.lianbang.bench.load;

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

/**
 * A lightweight simulated device for load tests: it trains nothing and answers a fit task with the
 * global model moved by a step that depends only on its index, the round and the coordinate, with
 * an example count that depends only on its index. So every device's update is known in advance,
 * and a test can recompute the exact aggregate ({@link #update}) and check that every device's
 * contribution is in it.
 */
public final class DeviceUpdate implements Client {
  private final int index;

  /** The device with this index (0-based), which also fixes its step and example count. */
  public DeviceUpdate(int index) {
    if (index < 0) throw new IllegalArgumentException("index must be >= 0, got " + index);
    this.index = index;
  }

  /** The example count device {@code index} reports: 1 to 7. */
  public static int examples(int index) {
    return 1 + index % 7;
  }

  /**
   * The model device {@code index} returns in {@code round} for the global model {@code global}:
   * each value moved by a multiple of 2^-10 in [-30, 30] / 1024 chosen by index, round and position.
   */
  public static Parameters update(int index, int round, Parameters global) {
    List<Tensor> out = new ArrayList<>(global.count());
    long position = 0;
    for (Tensor t : global.tensors()) {
      float[] v = t.toArray();
      for (int j = 0; j < v.length; j++, position++) {
        long k = Math.floorMod(index * 31L + position * 17L + round * 7L, 61L) - 30;
        v[j] += k / 1024f;
      }
      out.add(Tensor.of(t.shape(), v));
    }
    return Parameters.of(out);
  }

  @Override
  public FitResult fit(FitTask task) {
    return new FitResult(update(index, task.round(), task.parameters()), examples(index), Metrics.empty());
  }

  @Override
  public EvalResult evaluate(EvalTask task) {
    return new EvalResult(0, examples(index), Metrics.empty());
  }
}
