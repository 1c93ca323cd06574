package io.lianbang.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SplitsTest {
  /** {@code n} examples with features [i, 2i] and labels i % classes, or all-zero labels past {@code n - rare}. */
  static Dataset numbered(int n, int classes) {
    float[] f = new float[2 * n];
    int[] l = new int[n];
    for (int i = 0; i < n; i++) {
      f[2 * i] = i;
      f[2 * i + 1] = 2 * i;
      l[i] = i % classes;
    }
    return Dataset.classification(f, new int[] {2}, l, classes);
  }

  private static Set<Integer> ids(Dataset d) {
    Set<Integer> s = new HashSet<>();
    for (int i = 0; i < d.size(); i++) s.add((int) d.features()[2 * i]);
    return s;
  }

  @Test
  void trainTestIsADisjointCoverDeterministicPerSeed() {
    Dataset d = numbered(100, 3);
    TrainTest a = Splits.trainTest(d, 0.25, 5);
    assertEquals(75, a.train().size());
    assertEquals(25, a.test().size());
    Set<Integer> all = ids(a.train());
    all.addAll(ids(a.test()));
    assertEquals(100, all.size());
    assertEquals(ids(a.test()), ids(Splits.trainTest(d, 0.25, 5).test()));
    assertNotEquals(ids(a.test()), ids(Splits.trainTest(d, 0.25, 6).test()));
    for (int i = 0; i < a.test().size(); i++) {
      assertEquals((int) a.test().features()[2 * i] % 3, a.test().label(i), "labels travel with features");
    }
  }

  @Test
  void stratifiedKeepsClassShares() {
    int[] labels = new int[200];
    for (int i = 0; i < 200; i++) labels[i] = i < 150 ? 0 : (i < 190 ? 1 : 2);
    Dataset d = Dataset.classification(new float[200], new int[] {1}, labels, 3);
    TrainTest s = Splits.stratified(d, 0.2, 11);
    assertArrayEquals(new int[] {30, 8, 2}, s.test().classCounts());
    assertArrayEquals(new int[] {120, 32, 8}, s.train().classCounts());
    // remainders: 1000 examples at 0.15 -> 150 test, class shares 1/3 each give 50/50/50
    TrainTest u = Splits.stratified(numbered(1000, 3), 0.15, 1);
    assertEquals(150, u.test().size());
    assertArrayEquals(new int[] {50, 50, 50}, u.test().classCounts());
  }

  @Test
  void stratifiedDistributesRemaindersToTheTotal() {
    TrainTest s = Splits.stratified(numbered(10, 3), 0.5, 2); // classes 4/3/3 -> ideal 2, 1.5, 1.5
    assertEquals(5, s.test().size());
    assertArrayEquals(new int[] {2, 2, 1}, s.test().classCounts());
  }

  @Test
  void splitValidation() {
    Dataset d = numbered(10, 2);
    assertEquals("split testFraction must be in (0, 1), got 1.0",
        assertThrows(IllegalArgumentException.class, () -> Splits.trainTest(d, 1.0, 1)).getMessage());
    assertEquals("split testFraction 0.01 of 10 examples leaves the test set empty",
        assertThrows(IllegalArgumentException.class, () -> Splits.trainTest(d, 0.01, 1)).getMessage());
    Dataset r = Dataset.regression(new float[4], new int[] {1}, new float[4], 1);
    assertThrows(IllegalArgumentException.class, () -> Splits.stratified(r, 0.5, 1));
  }

  @Test
  void standardizerFitsOnTrainAndAppliesToBoth() {
    Dataset train = Dataset.classification(new float[] {1, 5, 3, 5, 5, 5}, new int[] {2}, new int[] {0, 1, 0}, 2);
    Dataset test = Dataset.classification(new float[] {7, 9}, new int[] {2}, new int[] {1}, 2);
    Standardizer s = Standardizer.fit(train);
    assertArrayEquals(new float[] {3, 5}, s.mean());
    assertArrayEquals(new float[] {(float) Math.sqrt(8.0 / 3), 1f}, s.std(), 1e-6f);
    TrainTest out = s.transform(new TrainTest(train, test));
    float sd = (float) Math.sqrt(8.0 / 3);
    assertArrayEquals(new float[] {-2 / sd, 0, 0, 0, 2 / sd, 0}, out.train().features(), 1e-6f);
    assertArrayEquals(new float[] {4 / sd, 4}, out.test().features(), 1e-6f);
    assertArrayEquals(train.labels(), out.train().labels());
    assertArrayEquals(new float[] {1, 5, 3, 5, 5, 5}, train.features(), "input untouched");
  }

  @Test
  void minMaxScaler() {
    Dataset train = Dataset.regression(new float[] {2, 7, 4, 7, 6, 7}, new int[] {2}, new float[] {1, 2, 3}, 1);
    MinMaxScaler m = MinMaxScaler.fit(train);
    assertArrayEquals(new float[] {0, 0, 0.5f, 0, 1, 0}, m.transform(train).features());
    assertArrayEquals(new float[] {1, 2, 3}, m.transform(train).targets());
    Dataset other = Dataset.regression(new float[] {10, 8}, new int[] {2}, new float[] {0}, 1);
    assertArrayEquals(new float[] {2, 1}, m.transform(other).features());
    assertEquals("min-max scaler was fitted on 2 features but the dataset has 1",
        assertThrows(IllegalArgumentException.class,
            () -> m.transform(Dataset.regression(new float[] {1}, new int[] {1}, new float[] {1}, 1))).getMessage());
  }

  @Test
  void scalersOnBreastCancerGiveZeroMeanUnitVariance() {
    TrainTest tt = Splits.stratified(BreastCancer.load(), 0.2, 42);
    TrainTest s = Standardizer.fit(tt.train()).transform(tt);
    Standardizer again = Standardizer.fit(s.train());
    for (float m : again.mean()) assertEquals(0f, m, 1e-4f);
    for (float v : again.std()) assertEquals(1f, v, 1e-4f);
    assertEquals(Arrays.stream(tt.test().labels()).sum(), Arrays.stream(s.test().labels()).sum());
  }
}
