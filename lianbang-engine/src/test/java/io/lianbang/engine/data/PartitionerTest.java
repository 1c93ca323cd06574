package io.lianbang.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.random.SplitMix64;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PartitionerTest {
  /** 10 classes x 600 examples, labels interleaved, feature = index. */
  static final Dataset BALANCED = balanced(10, 600);

  static Dataset balanced(int classes, int perClass) {
    int n = classes * perClass;
    float[] f = new float[n];
    int[] l = new int[n];
    for (int i = 0; i < n; i++) {
      f[i] = i;
      l[i] = i % classes;
    }
    return Dataset.classification(f, new int[] {1}, l, classes);
  }

  static Stream<Partitioner> partitioners() {
    return Stream.of(
        new IidPartitioner(7),
        new IidPartitioner(1),
        new DirichletPartitioner(20, 0.5),
        new DirichletPartitioner(10, 0.05),
        new ShardPartitioner(30, 2),
        new ShardPartitioner(7, 3),
        new QuantitySkewPartitioner(15, 1.0));
  }

  @ParameterizedTest
  @MethodSource("partitioners")
  void everyIndexIsUsedExactlyOnce(Partitioner p) {
    Partition part = p.partition(BALANCED, 42);
    int[] seen = new int[BALANCED.size()];
    for (int c = 0; c < part.numClients(); c++) for (int i : part.indices(c)) seen[i]++;
    for (int i = 0; i < seen.length; i++) assertEquals(1, seen[i], p + " index " + i);
    assertEquals(BALANCED.size(), part.assignedCount());
  }

  @ParameterizedTest
  @MethodSource("partitioners")
  void sameSeedSamePartitionOtherSeedDiffers(Partitioner p) {
    Partition a = p.partition(BALANCED, 1234);
    assertEquals(a, p.partition(BALANCED, 1234));
    assertNotEquals(a, p.partition(BALANCED, 1235), p.toString());
  }

  @Test
  void resultsArePinnedAcrossMachinesAndJdks() {
    // Golden values: a change here means every published experiment seed now means something else.
    Dataset d = balanced(3, 10);
    assertArrayEquals(new int[] {24, 2, 9, 28, 8, 22, 18, 17, 14, 29}, new IidPartitioner(3).partition(d, 7).indices(0));
    assertArrayEquals(new int[] {3, 6, 1, 3, 3, 0, 9, 1, 0, 0, 1, 3}, new DirichletPartitioner(12, 0.3, 0, 10).partition(d, 7).sizes());
    assertArrayEquals(new int[] {29, 23, 20, 6, 0, 15}, new ShardPartitioner(5, 2).partition(d, 7).indices(0));
    assertArrayEquals(new int[] {6, 11, 1, 12}, new QuantitySkewPartitioner(4, 1.0, 0, 10).partition(d, 7).sizes());
  }

  @Test
  void generatorIsSplitMix64() {
    // Reference output of splitmix64.c (Vigna) for seed 0, and SplittableRandom's identical stream.
    assertEquals(0xE220A8397B1DCDAFL, new SplitMix64(0).nextLong());
    for (long seed : new long[] {1, -5, 123456789}) {
      SplitMix64 ours = new SplitMix64(seed);
      java.util.SplittableRandom jdk = new java.util.SplittableRandom(seed);
      for (int i = 0; i < 100; i++) assertEquals(jdk.nextLong(), ours.nextLong());
    }
  }

  @Test
  void iidDealsEqualShares() {
    Partition p = new IidPartitioner(7).partition(BALANCED, 3);
    for (int s : p.sizes()) assertTrue(s == 857 || s == 858, "size " + s);
  }

  @Test
  void smallAlphaGivesStrongLabelSkewLargeAlphaNearUniform() {
    PartitionSummary skewed = new DirichletPartitioner(10, 0.05).partition(BALANCED, 9).summary(BALANCED);
    PartitionSummary uniform = new DirichletPartitioner(10, 1000).partition(BALANCED, 9).summary(BALANCED);
    assertTrue(skewed.meanClassesPerClient() < 4, "alpha 0.05 mean classes per client " + skewed.meanClassesPerClient());
    assertEquals(10.0, uniform.meanClassesPerClient());
    assertTrue(maxShareDeviation(skewed) > 0.5, "alpha 0.05 deviation " + maxShareDeviation(skewed));
    assertTrue(maxShareDeviation(uniform) < 0.03, "alpha 1000 deviation " + maxShareDeviation(uniform));
  }

  /** Largest |share of class j in client c - 1/classes| over clients and classes. */
  private static double maxShareDeviation(PartitionSummary s) {
    int[][] h = s.histogram();
    double max = 0;
    for (int[] row : h) {
      int n = Arrays.stream(row).sum();
      for (int v : row) max = Math.max(max, Math.abs((double) v / n - 1.0 / row.length));
    }
    return max;
  }

  @Test
  void dirichletRespectsMinimumSize() {
    Partition p = new DirichletPartitioner(50, 0.1, 20, 5000).partition(BALANCED, 5);
    for (int s : p.sizes()) assertTrue(s >= 20, "size " + s);
  }

  @Test
  void dirichletGivesUpWithAClearError() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new DirichletPartitioner(50, 0.01, 100, 3).partition(BALANCED, 1));
    assertTrue(e.getMessage().startsWith("dirichlet partition: after 3 attempts some client still had fewer than 100 examples"), e.getMessage());
  }

  @Test
  void quantitySkewGivesUpWithAClearError() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> new QuantitySkewPartitioner(50, 0.01, 100, 3).partition(BALANCED, 1));
    assertTrue(e.getMessage().startsWith("quantity-skew partition: after 3 attempts some client still had fewer than 100 examples"),
        e.getMessage());
    assertTrue(e.getMessage().endsWith("raise alpha (0.01), lower minPerClient, or use fewer clients (50)"), e.getMessage());
  }

  @Test
  void shardsGiveEachClientAtMostKLabels() {
    for (int k : new int[] {1, 2, 3}) {
      Partition p = new ShardPartitioner(60 / k, k).partition(BALANCED, 8);
      PartitionSummary s = p.summary(BALANCED);
      for (int c = 0; c < p.numClients(); c++) assertTrue(s.classesOf(c) <= k, "k=" + k + " client " + c + " has " + s.classesOf(c));
    }
    // McMahan et al.: 100 clients x 2 shards of equal size
    Partition p = new ShardPartitioner(100, 2).partition(BALANCED, 1);
    for (int s : p.sizes()) assertEquals(60, s);
    assertTrue(p.summary(BALANCED).meanClassesPerClient() <= 2);
  }

  @Test
  void quantitySkewGivesUnequalSizesWithSameLabelMix() {
    PartitionSummary s = new QuantitySkewPartitioner(10, 0.3).partition(BALANCED, 4).summary(BALANCED);
    assertTrue(s.minSize() >= 10);
    assertTrue(s.maxSize() > 5 * s.minSize(), s.render(0));
    PartitionSummary even = new QuantitySkewPartitioner(10, 10_000).partition(BALANCED, 4).summary(BALANCED);
    assertTrue(even.maxSize() - even.minSize() < 60, even.render(0));
    Dataset reg = Dataset.regression(new float[100], new int[] {1}, new float[100], 1);
    assertEquals(100, new QuantitySkewPartitioner(3, 1, 0, 10).partition(reg, 1).assignedCount());
  }

  @Test
  void validationNamesFieldAndValue() {
    assertEquals("dirichlet alpha must be > 0 and finite, got -1.0", iae(() -> new DirichletPartitioner(10, -1.0)));
    assertEquals("dirichlet alpha must be > 0 and finite, got NaN", iae(() -> new DirichletPartitioner(10, Double.NaN)));
    assertEquals("quantity-skew alpha must be > 0 and finite, got 0.0", iae(() -> new QuantitySkewPartitioner(10, 0)));
    assertEquals("iid clients must be >= 1, got 0", iae(() -> new IidPartitioner(0)));
    assertEquals("shards shardsPerClient must be >= 1, got 0", iae(() -> new ShardPartitioner(5, 0)));
    assertEquals("dirichlet minPerClient must be >= 0, got -1", iae(() -> new DirichletPartitioner(5, 1, -1, 10)));
    assertEquals("dirichlet maxAttempts must be >= 1, got 0", iae(() -> new DirichletPartitioner(5, 1, 0, 0)));
    Dataset small = balanced(2, 5);
    assertEquals("iid clients must be <= examples, got 11 clients for 10 examples", iae(() -> new IidPartitioner(11).partition(small, 1)));
    assertEquals("shards clients x shardsPerClient must be <= examples, got 4 x 3 = 12 shards for 10 examples",
        iae(() -> new ShardPartitioner(4, 3).partition(small, 1)));
    assertEquals("dirichlet minPerClient 10 x 2 clients = 20 exceeds the 10 examples",
        iae(() -> new DirichletPartitioner(2, 1).partition(small, 1)));
    Dataset reg = Dataset.regression(new float[10], new int[] {1}, new float[10], 1);
    assertTrue(iae(() -> new ShardPartitioner(2, 1).partition(reg, 1)).startsWith("shards partitioning needs class labels"));
  }

  private static String iae(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void partitionValidatesAndSubsets() {
    assertEquals("partition index 1 is given to more than one client (again to client 1)",
        iae(() -> Partition.of(List.of(new int[] {0, 1}, new int[] {1}), 3)));
    assertEquals("partition client 0 has index 3 outside [0, 3)", iae(() -> Partition.of(List.of(new int[] {3}), 3)));
    Dataset d = balanced(2, 3);
    Partition p = Partition.of(List.of(new int[] {5, 0}, new int[] {2}), 6);
    assertArrayEquals(new float[] {5, 0}, p.subset(d, 0).features());
    assertEquals(2, p.subsets(d).size());
    assertArrayEquals(new int[][] {{1, 1}, {1, 0}}, p.labelHistogram(d));
    assertEquals("partition was made for 6 examples but the dataset has 4",
        iae(() -> p.subset(balanced(2, 2), 0)));
  }

  @Test
  void summaryRendersSizesClassesAndATable() {
    Partition p = Partition.of(List.of(new int[] {0, 2, 4, 1}, new int[] {3}, new int[] {5, 6}), 8);
    PartitionSummary s = p.summary(balanced(2, 4));
    String text = s.render(2);
    String nl = System.lineSeparator();
    assertEquals(
        "3 clients, 7 of 8 examples assigned, 2 classes" + nl
            + "client size: min 1, median 2, max 4, mean 2.3" + nl
            + "classes per client: mean 1.67, min 1, max 2" + nl
            + "label counts (first 2 of 3 clients):" + nl
            + "client size |  0  1" + nl
            + "     0    4 |  3  1" + nl
            + "     1    1 |  0  1" + nl,
        text);
    String wide = new DirichletPartitioner(4, 0.5, 0, 10).partition(balanced(30, 4), 1).summary(balanced(30, 4)).toString();
    assertTrue(wide.contains("largest classes (class:count)"), wide);
  }
}
