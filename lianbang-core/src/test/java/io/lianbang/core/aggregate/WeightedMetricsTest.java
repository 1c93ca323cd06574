package io.lianbang.core.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.lianbang.core.task.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class WeightedMetricsTest {
  /** Metrics m000 ... named from {@code first} to {@code last}, each worth {@code value}. */
  private static Metrics names(int first, int last, double value) {
    Map<String, Double> m = new TreeMap<>();
    for (int i = first; i <= last; i++) m.put(String.format("m%03d", i), value);
    return Metrics.of(m);
  }

  @Test
  void weightedMeanPerName() {
    WeightedMetrics w = new WeightedMetrics();
    w.add("a", Metrics.of("loss", 1.0).with("acc", 0.5), 1);
    w.add("b", Metrics.of("loss", 3.0), 3);
    assertEquals(Metrics.of("loss", 2.5).with("acc", 0.5), w.mean());
  }

  @Test
  void distinctNamesAreCappedToTheSmallestWhateverTheArrivalOrder() {
    // 500 distinct names over three clients, more than the default cap of 256.
    List<Object[]> clients = List.of(new Object[] {"c0", names(0, 199, 1.0)}, new Object[] {"c1", names(150, 349, 3.0)},
        new Object[] {"c2", names(300, 499, 5.0)});
    List<Metrics> means = new ArrayList<>();
    for (List<Object[]> order : List.of(clients, List.of(clients.get(2), clients.get(0), clients.get(1)))) {
      WeightedMetrics w = new WeightedMetrics();
      for (Object[] c : order) w.add((String) c[0], (Metrics) c[1], 1);
      means.add(w.mean());
    }
    Metrics m = means.get(0);
    assertEquals(m, means.get(1), "the kept names do not depend on arrival order");
    assertEquals(WeightedMetrics.DEFAULT_MAX_NAMES, m.asMap().size());
    assertEquals("m000", new TreeMap<>(m.asMap()).firstKey());
    assertEquals("m255", new TreeMap<>(m.asMap()).lastKey());
    assertEquals(2.0, m.get("m150").orElseThrow(), "reported by c0 and c1");

    WeightedMetrics small = new WeightedMetrics(2);
    small.add("b", Metrics.of("zeta", 1.0).with("alpha", 2.0), 1);
    small.add("a", Metrics.of("beta", 3.0), 1);
    assertEquals(Metrics.of("alpha", 2.0).with("beta", 3.0), small.mean());
    assertThrows(IllegalArgumentException.class, () -> new WeightedMetrics(0));
  }
}
