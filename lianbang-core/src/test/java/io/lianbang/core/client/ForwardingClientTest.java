package io.lianbang.core.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lianbang.core.task.Config;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardingClientTest {
  /** Records the tasks it gets; its fit returns the parameters plus one, its evaluation a loss of 0.25 on 7 examples. */
  private static final class Recording implements Client {
    final List<Object> tasks = new ArrayList<>();

    @Override
    public FitResult fit(FitTask task) {
      tasks.add(task);
      float[] p = task.parameters().flatten();
      for (int i = 0; i < p.length; i++) p[i] += 1;
      return new FitResult(Parameters.unflatten(task.parameters().shapes(), p), 3, Metrics.empty());
    }

    @Override
    public EvalResult evaluate(EvalTask task) {
      tasks.add(task);
      return new EvalResult(0.25, 7, Metrics.empty());
    }
  }

  private static final Parameters ZEROS = Parameters.of(Tensor.zeros(new int[] {2}));

  @Test
  void forwardsBothCallsUnchanged() {
    Recording inner = new Recording();
    Client plain = new ForwardingClient(inner) {};
    FitTask fit = new FitTask(1, ZEROS, Config.empty(), 5);
    EvalTask eval = new EvalTask(1, ZEROS, Config.empty());
    FitResult f = plain.fit(fit);
    EvalResult e = plain.evaluate(eval);
    assertEquals(List.of(1f, 1f), List.of(f.parameters().flatten()[0], f.parameters().flatten()[1]));
    assertEquals(3, f.numExamples());
    assertEquals(0.25, e.loss());
    assertEquals(7, e.numExamples());
    assertEquals(List.of(fit, eval), inner.tasks);
  }

  @Test
  void aDecoratorOverridesFitAndKeepsEvaluate() {
    Recording inner = new Recording();
    Client doubling = new ForwardingClient(inner) {
      @Override
      public FitResult fit(FitTask task) {
        FitResult r = delegate().fit(task);
        return new FitResult(r.parameters(), 2 * r.numExamples(), r.metrics());
      }
    };
    assertEquals(6, doubling.fit(new FitTask(1, ZEROS, Config.empty(), 5)).numExamples());
    EvalTask eval = new EvalTask(2, ZEROS, Config.empty());
    assertEquals(7, doubling.evaluate(eval).numExamples());
    assertSame(eval, inner.tasks.get(1));
    assertThrows(NullPointerException.class, () -> new ForwardingClient(null) {});
  }
}
