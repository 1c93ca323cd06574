package io.lianbang.core.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.client.AbstractClientProxy;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.FitAggregation;
import io.lianbang.core.strategy.FitOutcome;
import io.lianbang.core.strategy.ForwardingStrategy;
import io.lianbang.core.strategy.RoundContext;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.EvalTask;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.FitTask;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An aggregation that declares itself {@link FitAggregation#concurrent() concurrent} has results
 * folded in on several threads at once, and the round completes only after every fold has
 * returned; any other aggregation sees one fold at a time.
 */
class ConcurrentFoldingTest {
  /** A client whose result is delivered on a thread of its own once the test releases it. */
  private static final class ThreadedProxy extends AbstractClientProxy {
    private final CountDownLatch release;
    private final float value;

    ThreadedProxy(String id, CountDownLatch release, float value) {
      super(id);
      this.release = release;
      this.value = value;
    }

    @Override
    public CompletableFuture<FitResult> fit(FitTask task, Instant deadline) {
      CompletableFuture<FitResult> f = new CompletableFuture<>();
      Thread t = new Thread(() -> {
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        f.complete(new FitResult(Parameters.of(Tensor.vector(value, value)), 1, Metrics.empty()));
      });
      t.setDaemon(true);
      t.start();
      return f;
    }

    @Override
    public CompletableFuture<EvalResult> evaluate(EvalTask task, Instant deadline) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException());
    }
  }

  /** FedAvg whose folds wait (up to a bound) until two are inside at once, and count the most seen. */
  private static final class Overlapping extends ForwardingStrategy {
    private final Strategy fedAvg = FedAvg.builder().minFitClients(2).minAvailableClients(2).build();
    private final boolean concurrent;
    final AtomicInteger inside = new AtomicInteger();
    final AtomicInteger most = new AtomicInteger();
    final AtomicInteger foldsBeforeComplete = new AtomicInteger(-1);

    Overlapping(boolean concurrent) {
      this.concurrent = concurrent;
    }

    @Override
    protected Strategy delegate() {
      return fedAvg;
    }

    @Override
    public FitAggregation beginFit(RoundContext context) {
      FitAggregation inner = fedAvg.beginFit(context);
      AtomicInteger folded = new AtomicInteger();
      return new FitAggregation() {
        @Override
        public void accept(String clientId, FitResult result) {
          most.accumulateAndGet(inside.incrementAndGet(), Math::max);
          try {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(concurrent ? 5_000 : 300);
            while (inside.get() < 2 && System.nanoTime() < until) Thread.onSpinWait();
            Thread.sleep(100); // still folding when the other result's fold and the round's close come
            inner.accept(clientId, result);
            folded.incrementAndGet();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            inside.decrementAndGet();
          }
        }

        @Override
        public FitOutcome complete(List<ClientFailure> failures) {
          foldsBeforeComplete.set(folded.get());
          return inner.complete(failures);
        }

        @Override
        public boolean concurrent() {
          return concurrent;
        }
      };
    }
  }

  @Test
  void aConcurrentAggregationFoldsResultsAtOnceAndTheRoundWaitsForThem() throws Exception {
    Overlapping strategy = new Overlapping(true);
    RunResult r = run(strategy);
    assertEquals(2, strategy.most.get(), "two folds ran at the same time");
    assertEquals(2, strategy.foldsBeforeComplete.get(), "complete ran after both folds had returned");
    assertEquals(2f, r.parameters().tensor(0).get(0));
    assertEquals(2, r.history().last().succeeded());
  }

  @Test
  void anyOtherAggregationFoldsOneResultAtATime() throws Exception {
    Overlapping strategy = new Overlapping(false);
    RunResult r = run(strategy);
    assertEquals(1, strategy.most.get(), "one fold at a time");
    assertEquals(2f, r.parameters().tensor(0).get(0));
  }

  private static RunResult run(Strategy strategy) throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<ThreadedProxy> proxies = List.of(new ThreadedProxy("a", release, 1f), new ThreadedProxy("b", release, 3f));
    CompletableFuture<RunResult> run = CompletableFuture.supplyAsync(() -> {
      try {
        return new Federation(strategy, new StaticClientPool(List.copyOf(proxies)), FederationConfig.of(1, 7), List.of())
            .run(Parameters.of(Tensor.vector(0f, 0f)));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    Thread.sleep(200); // both tasks sent
    release.countDown();
    RunResult r = run.get(30, TimeUnit.SECONDS);
    assertTrue(r.history().last().failures().isEmpty(), "no failures: " + r.history().last().failures());
    return r;
  }
}
