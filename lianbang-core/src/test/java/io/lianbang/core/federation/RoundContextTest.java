package io.lianbang.core.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.lianbang.core.client.Client;
import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.client.LocalClientProxy;
import io.lianbang.core.random.Seeds;
import io.lianbang.core.strategy.ClientInstruction;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.FitAggregation;
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
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The round's context reaches {@link Strategy#beginFit} complete and derived from the run seed. */
class RoundContextTest {
  private static final long SEED = 99;
  private final ExecutorService pool = Executors.newFixedThreadPool(2);

  @AfterEach
  void shutdown() {
    pool.shutdownNow();
  }

  /** Records what configureFit was given and returned, and the context beginFit then receives. */
  private static final class Recording extends ForwardingStrategy {
    private final Strategy inner = FedAvg.builder().minFitClients(2).minAvailableClients(3).fractionFit(0.67).build();
    final List<Parameters> globals = new ArrayList<>();
    final List<List<String>> available = new ArrayList<>();
    final List<List<ClientInstruction>> configured = new ArrayList<>();
    final List<RoundContext> contexts = new ArrayList<>();
    final List<Long> firstDraws = new ArrayList<>();

    @Override
    protected Strategy delegate() {
      return inner;
    }

    @Override
    public List<ClientInstruction> configureFit(int round, Parameters global, List<String> ids, SplittableRandom rng) {
      List<ClientInstruction> out = inner.configureFit(round, global, ids, rng);
      globals.add(global);
      available.add(List.copyOf(ids));
      configured.add(out);
      return out;
    }

    @Override
    public FitAggregation beginFit(RoundContext context) {
      contexts.add(context);
      firstDraws.add(context.random().nextLong());
      return inner.beginFit(context);
    }
  }

  private static Client pulling(int index) {
    return new Client() {
      @Override
      public FitResult fit(FitTask task) {
        float[] w = task.parameters().flatten();
        for (int i = 0; i < w.length; i++) w[i] += 0.5f * (index - w[i]);
        return new FitResult(Parameters.of(Tensor.vector(w)), 10 + index, Metrics.empty());
      }

      @Override
      public EvalResult evaluate(EvalTask task) {
        return new EvalResult(0, 1, Metrics.empty());
      }
    };
  }

  @Test
  void beginFitReceivesTheRoundTheModelTheInstructionsAndADerivedRandomSource() throws Exception {
    List<ClientProxy> proxies = new ArrayList<>();
    for (int i = 0; i < 3; i++) proxies.add(new LocalClientProxy("c" + i, pulling(i), pool));
    Recording strategy = new Recording();
    new Federation(strategy, new StaticClientPool(proxies), FederationConfig.of(3, SEED), List.of())
        .run(Parameters.of(Tensor.vector(0f, 1f)));

    assertEquals(3, strategy.contexts.size());
    for (int r = 1; r <= 3; r++) {
      RoundContext c = strategy.contexts.get(r - 1);
      assertEquals(r, c.round());
      assertSame(strategy.globals.get(r - 1), c.global(), "round " + r + " starts from the model it was configured with");
      assertEquals(List.of("c0", "c1", "c2"), c.available());
      assertEquals(strategy.available.get(r - 1), c.available());
      assertEquals(2, c.instructions().size(), "ceil(0.67 · 3) clients train");
      assertEquals(strategy.configured.get(r - 1), c.instructions());
      // The round's random source is the documented Seeds stream, not the sampling generator.
      long expected = new SplittableRandom(Seeds.derive(SEED, "aggregate-fit", r)).nextLong();
      assertEquals(expected, strategy.firstDraws.get(r - 1), "round " + r);
      assertNotEquals(new SplittableRandom(Seeds.derive(SEED, "sample-fit", r)).nextLong(), strategy.firstDraws.get(r - 1));
    }
  }
}
