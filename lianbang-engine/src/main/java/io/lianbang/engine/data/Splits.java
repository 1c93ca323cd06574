package io.lianbang.engine.data;

import io.lianbang.core.random.SplitMix64;
import java.util.Arrays;

/**
 * Seeded train/test splits. The same dataset, fraction and seed always give the same split (see
 * {@link SplitMix64}). Both parts keep the examples in their original relative order.
 */
public final class Splits {
  private Splits() {}

  /**
   * A random split with {@code round(size * testFraction)} test examples.
   *
   * @throws IllegalArgumentException if {@code testFraction} is not in {@code (0, 1)} or either
   *     part would be empty
   */
  public static TrainTest trainTest(Dataset data, double testFraction, long seed) {
    int testSize = testSize(data.size(), testFraction);
    int[] order = identity(data.size());
    new SplitMix64(seed).shuffle(order);
    boolean[] inTest = new boolean[data.size()];
    for (int i = 0; i < testSize; i++) inTest[order[i]] = true;
    return split(data, inTest);
  }

  /**
   * A random split that keeps each class's share in both parts: {@code round(size * testFraction)}
   * test examples in all, divided among classes in proportion to their counts (largest remainder
   * first, ties to the lower class), each class's test examples drawn at random.
   *
   * @throws IllegalArgumentException if {@code testFraction} is not in {@code (0, 1)}, either part
   *     would be empty, or the dataset is not a classification dataset
   */
  public static TrainTest stratified(Dataset data, double testFraction, long seed) {
    if (!data.isClassification()) {
      throw new IllegalArgumentException("stratified split needs a classification dataset, got " + data);
    }
    int n = data.size();
    int testSize = testSize(n, testFraction);
    int[] counts = data.classCounts();
    int k = counts.length;
    int[] quota = new int[k];
    double[] remainder = new double[k];
    int assigned = 0;
    for (int c = 0; c < k; c++) {
      double ideal = (double) counts[c] * testSize / n;
      quota[c] = (int) Math.floor(ideal);
      remainder[c] = ideal - quota[c];
      assigned += quota[c];
    }
    Integer[] byRemainder = new Integer[k];
    for (int c = 0; c < k; c++) byRemainder[c] = c;
    Arrays.sort(byRemainder, (a, b) -> remainder[a] != remainder[b] ? Double.compare(remainder[b], remainder[a]) : Integer.compare(a, b));
    for (int r = 0; assigned < testSize; r++) {
      int c = byRemainder[r % k];
      if (quota[c] < counts[c]) {
        quota[c]++;
        assigned++;
      }
    }
    SplitMix64 rng = new SplitMix64(seed);
    boolean[] inTest = new boolean[n];
    int[][] byClass = Partitions.indicesByClass(data.labels(), k);
    for (int c = 0; c < k; c++) {
      rng.shuffle(byClass[c]);
      for (int i = 0; i < quota[c]; i++) inTest[byClass[c][i]] = true;
    }
    return split(data, inTest);
  }

  private static int testSize(int n, double testFraction) {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("split testFraction must be in (0, 1), got " + testFraction);
    }
    long t = Math.round(n * testFraction);
    if (t < 1 || t > n - 1) {
      throw new IllegalArgumentException("split testFraction " + testFraction + " of " + n + " examples leaves "
          + (t < 1 ? "the test set" : "the training set") + " empty");
    }
    return (int) t;
  }

  private static TrainTest split(Dataset data, boolean[] inTest) {
    int testCount = 0;
    for (boolean b : inTest) if (b) testCount++;
    int[] train = new int[inTest.length - testCount];
    int[] test = new int[testCount];
    for (int i = 0, a = 0, b = 0; i < inTest.length; i++) {
      if (inTest[i]) test[b++] = i;
      else train[a++] = i;
    }
    return new TrainTest(data.subset(train), data.subset(test));
  }

  static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) a[i] = i;
    return a;
  }
}
