package io.lianbang.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.strategy.ClientInstruction;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.FitAggregation;
import io.lianbang.core.strategy.FitOutcome;
import io.lianbang.core.strategy.ForwardingStrategy;
import io.lianbang.core.strategy.RoundContext;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.strategy.robust.FedMedian;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The completion SecAgg and Paillier share, against values worked out by hand. */
class SecureMeanStrategyTest {
  private static FedAvg.Builder settings() {
    return FedAvg.builder().minFitClients(2).minAvailableClients(2);
  }

  /** FedAvg that records the results and failures its aggregation receives. */
  private static final class Recording extends ForwardingStrategy {
    private final Strategy inner = settings().build();
    final List<String> ids = new ArrayList<>();
    final List<FitResult> results = new ArrayList<>();
    final List<ClientFailure> failures = new ArrayList<>();
    RoundContext context;

    @Override
    protected Strategy delegate() {
      return inner;
    }

    @Override
    public boolean aggregatesWeightedMean() {
      return true;
    }

    @Override
    public FitAggregation beginFit(RoundContext c) {
      context = c;
      FitAggregation agg = inner.beginFit(c);
      return new FitAggregation() {
        @Override
        public void accept(String clientId, FitResult result) {
          ids.add(clientId);
          results.add(result);
          agg.accept(clientId, result);
        }

        @Override
        public FitOutcome complete(List<ClientFailure> f) {
          failures.addAll(f);
          return agg.complete(f);
        }
      };
    }
  }

  /** Releases a fixed mean, as a secure protocol would after the round. */
  private static final class Fixed extends SecureMeanStrategy {
    Fixed(Strategy inner) {
      super(inner, "test aggregation", "test", "test-aggregate", "test-key");
    }
  }

  private static RoundContext context(Parameters global) {
    return new RoundContext(3, global, List.of("a", "b", "c"), List.of(), new SplittableRandom(3));
  }

  @Test
  void handsGlobalPlusMeanToTheWrappedStrategyAsOneResultAndReportsTheDropped() {
    Recording inner = new Recording();
    Fixed s = new Fixed(inner);
    Parameters global = Parameters.of(Tensor.vector(1f, 2f), Tensor.vector(-1f));
    RoundContext c = context(global);
    Map<String, String> dropped = new TreeMap<>(Map.of("c", "no share before the deadline"));
    List<ClientFailure> earlier = List.of(new ClientFailure("d", ClientFailure.Kind.TIMEOUT, "no result"));

    FitOutcome o = s.release(c, new double[] {0.5, -1, 0.25}, 6.6, 2, dropped, earlier);

    assertArrayEquals(new float[] {1.5f, 1f, -0.75f}, o.parameters().orElseThrow().flatten());
    assertEquals(2.0, o.metrics().get("test_clients").orElseThrow());
    assertEquals(1.0, o.metrics().get("test_dropped").orElseThrow());
    assertEquals(List.of("test-aggregate"), inner.ids);
    assertEquals(7, inner.results.get(0).numExamples(), "the total weight 6.6 rounded");
    assertEquals(Metrics.empty(), inner.results.get(0).metrics());
    assertEquals(List.of(earlier.get(0), new ClientFailure("c", ClientFailure.Kind.ERROR, "test aggregation: no share before the deadline")),
        inner.failures);
    assertEquals(c, inner.context, "the wrapped strategy aggregates the same round");
  }

  @Test
  void everyFitInstructionOfTheWrappedStrategyCarriesTheConfigKey() {
    Recording inner = new Recording();
    Parameters global = Parameters.of(Tensor.vector(1f, 2f));
    List<ClientInstruction> plain = inner.configureFit(2, global, List.of("a", "b", "c"), new SplittableRandom(5));
    List<ClientInstruction> marked = new Fixed(inner).configureFit(2, global, List.of("a", "b", "c"), new SplittableRandom(5));
    assertEquals(plain.size(), marked.size());
    for (int i = 0; i < plain.size(); i++) {
      ClientInstruction p = plain.get(i);
      assertEquals(new ClientInstruction(p.clientId(), p.parameters(), p.config().with("test-key", true)), marked.get(i));
    }
  }

  @Test
  void anUnreleasedMeanKeepsTheModel() {
    FitOutcome o = new Fixed(new Recording()).unchanged(3);
    assertEquals(Optional.empty(), o.parameters());
    assertEquals(Metrics.of("test_clients", 0).with("test_dropped", 3), o.metrics());
  }

  @Test
  void aMeanOfTheWrongLengthIsRefused() {
    Fixed s = new Fixed(new Recording());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> s.release(context(Parameters.of(Tensor.vector(1f, 2f))), new double[3], 1, 1, Map.of(), List.of()));
    assertEquals("test aggregation released 3 values for 2 parameters", e.getMessage());
  }

  @Test
  void refusesAStrategyWithoutTheWeightedMeanCapability() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Fixed(FedMedian.builder().settings(settings()).build()));
    assertTrue(e.getMessage().startsWith("test aggregation cannot wrap strategy FedMedian:"), e.getMessage());
  }
}
