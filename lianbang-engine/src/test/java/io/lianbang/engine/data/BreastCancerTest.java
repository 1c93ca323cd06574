package io.lianbang.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class BreastCancerTest {
  @Test
  void breastCancerLoadsWithSklearnCounts() {
    TabularData t = BreastCancer.loadTable();
    Dataset d = t.dataset();
    assertEquals(569, d.size());
    assertEquals(30, d.featureCount());
    assertEquals(2, d.numClasses());
    assertEquals("mean radius", t.featureNames().get(0));
    assertEquals("worst fractal dimension", t.featureNames().get(29));
    assertEquals(List.of("0", "1"), t.classNames());
    int malignant = 0;
    for (int l : d.labels()) if (l == 0) malignant++;
    assertEquals(212, malignant);
    assertEquals(357, d.size() - malignant);
    assertEquals(17.99f, d.features()[0]);
    assertEquals(0, d.label(0));
  }
}
