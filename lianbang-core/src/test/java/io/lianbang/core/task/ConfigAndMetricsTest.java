package io.lianbang.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Config and Metrics are sorted, immutable values: equal by content, printed as their maps. */
class ConfigAndMetricsTest {
  @Test
  void configNormalisesNumbersSortsKeysAndComparesByContent() {
    Map<String, Object> in = new LinkedHashMap<>();
    in.put("lr", 0.5f);
    in.put("epochs", 3);
    in.put("name", "x");
    Config c = Config.of(in);
    assertEquals("{epochs=3, lr=0.5, name=x}", c.toString());
    assertEquals(Map.of("epochs", 3L, "lr", 0.5, "name", "x"), c.asMap());
    Config same = Config.empty().with("name", "x").with("lr", 0.5).with("epochs", 3L);
    assertEquals(c, same);
    assertEquals(c.hashCode(), same.hashCode());
    assertNotEquals(c, same.with("epochs", 4));
    assertThrows(UnsupportedOperationException.class, () -> c.asMap().put("b", 1L));
  }

  @Test
  void configRefusesAnUnsupportedValueNamingTheKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Config.of(Map.of("k", new StringBuilder("s"))));
    assertEquals("config k: unsupported value s (StringBuilder)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Config.empty().with("n", null));
    assertEquals("config n: unsupported value null (null)", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Config.empty().with("w", 'c'));
    assertEquals("config w: unsupported value c (Character)", e.getMessage());
  }

  @Test
  void metricsAreSortedComparedByContentAndRefuseNulls() {
    Map<String, Double> in = new HashMap<>();
    in.put("loss", 0.25);
    in.put("accuracy", 0.75);
    Metrics m = Metrics.of(in);
    in.put("extra", 1.0);
    assertEquals("{accuracy=0.75, loss=0.25}", m.toString());
    Metrics same = Metrics.of("loss", 0.25).with("accuracy", 0.75);
    assertEquals(m, same);
    assertEquals(m.hashCode(), same.hashCode());
    assertNotEquals(m, Metrics.empty());
    Map<String, Double> bad = new HashMap<>();
    bad.put("loss", null);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Metrics.of(bad));
    assertEquals("metrics: null name or value for loss", e.getMessage());
  }
}
