package io.lianbang.cli;

import io.lianbang.core.client.Client;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Test clients that hold a deployed run in a known round while a test looks at the server. */
final class HoldingClient {
  private HoldingClient() {}

  /** A client that returns the model it was sent, and blocks in its fit of round 3 until {@code release} (at most 60 s). */
  static Client inRoundThree(CountDownLatch release) {
    return new Client() {
      @Override
      public FitResult fit(FitTask task) {
        if (task.round() == 3) {
          try {
            release.await(60, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return new FitResult(task.parameters(), 10, Metrics.empty());
      }

      @Override
      public EvalResult evaluate(EvalTask task) {
        return new EvalResult(0.5, 10, Metrics.empty());
      }
    };
  }
}
