package io.lianbang.core.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.client.AbstractClientProxy;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A streaming strategy must not keep a result once it has been folded in: the round loop drops
 * every result as soon as the strategy has taken it, while other clients are still training, and
 * releases it from its future too, which may outlive it (a future in the old generation).
 */
class ResultRetentionTest {
  private static final int VALUES = 1 << 20;

  /** A proxy whose fit future the test completes by hand. */
  private static final class ManualProxy extends AbstractClientProxy {
    CompletableFuture<FitResult> fit = new CompletableFuture<>();
    final CountDownLatch asked = new CountDownLatch(1);

    ManualProxy(String id) {
      super(id);
    }

    @Override
    public CompletableFuture<FitResult> fit(FitTask task, Instant deadline) {
      asked.countDown();
      return fit;
    }

    @Override
    public CompletableFuture<EvalResult> evaluate(EvalTask task, Instant deadline) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException());
    }
  }

  @Test
  void aFoldedResultIsReleasedBeforeTheRoundEnds() throws Exception {
    ManualProxy early = new ManualProxy("early");
    ManualProxy late = new ManualProxy("late");
    FedAvg fedAvg = FedAvg.builder().minFitClients(2).minAvailableClients(2).build();
    Parameters initial = Parameters.of(Tensor.zeros(new int[] {VALUES}));
    CompletableFuture<RunResult> run = CompletableFuture.supplyAsync(() -> {
      try {
        return new Federation(fedAvg, new StaticClientPool(List.of(early, late)), FederationConfig.of(1, 7), List.of()).run(initial);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertTrue(early.asked.await(10, TimeUnit.SECONDS) && late.asked.await(10, TimeUnit.SECONDS), "both clients got a task");

    float[] ones = new float[VALUES];
    java.util.Arrays.fill(ones, 1f);
    FitResult result = new FitResult(Parameters.of(Tensor.vector(ones)), 1, Metrics.empty());
    WeakReference<Parameters> folded = new WeakReference<>(result.parameters());
    ones = null;
    early.fit.complete(result);
    CompletableFuture<FitResult> future = early.fit; // kept, as a future the collector promoted would be
    result = null;

    // The round is still open (the late client has not answered): the early result must be gone.
    AtomicBoolean released = new AtomicBoolean();
    for (int i = 0; i < 50 && !released.get(); i++) {
      System.gc();
      Thread.sleep(20);
      released.set(folded.get() == null);
    }
    assertTrue(released.get(), "the folded result is still reachable while the round waits for other clients");
    assertEquals(null, future.getNow(null), "the round released the result its future held");

    float[] threes = new float[VALUES];
    java.util.Arrays.fill(threes, 3f);
    late.fit.complete(new FitResult(Parameters.of(Tensor.vector(threes)), 1, Metrics.empty()));
    RunResult r = run.get(30, TimeUnit.SECONDS);
    assertEquals(2f, r.parameters().tensor(0).get(0));
    assertEquals(2, r.history().last().succeeded());
  }
}
