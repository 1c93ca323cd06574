package io.lianbang.core.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Median, trimmed mean, Krum, Bulyan and pairwise distances against values computed by hand. */
class RobustAggregatesTest {
  private static final float[][] FOUR = {{1, 5}, {3, -1}, {2, 0}, {10, 100}};
  private static final float[][] FIVE = {{1, 5}, {3, -1}, {2, 0}, {10, 100}, {0, 0}};

  @Test
  void medianOfEvenAndOddCounts() {
    assertArrayEquals(new float[] {2.5f, 2.5f}, CoordinateMedian.of(FOUR));
    assertArrayEquals(new float[] {2f, 0f}, CoordinateMedian.of(FIVE));
  }

  @Test
  void trimmedMeanDropsTheExtremesOfEachCoordinate() {
    // beta 0.2 of 5 trims one value at each end: col0 {1,2,3}, col1 {0,0,5}
    assertArrayEquals(new float[] {2f, 5f / 3}, TrimmedMean.of(FIVE, 0.2));
    // beta 0.25 of 4 trims one at each end: col0 {2,3}, col1 {0,5}
    assertArrayEquals(new float[] {2.5f, 2.5f}, TrimmedMean.of(FOUR, 0.25));
    // beta 0 is the plain mean
    assertArrayEquals(new float[] {4f, 26f}, TrimmedMean.of(FOUR, 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrimmedMean.of(FOUR, 0.5));
    assertEquals("trimmed mean beta must be in [0, 0.5), got 0.5", e.getMessage());
  }

  @Test
  void pairwiseDistancesByHand() {
    double[][] d = PairwiseDistances.squared(new float[][] {{0, 0}, {3, 4}, {1, 1}});
    assertArrayEquals(new double[] {0, 25, 2}, d[0]);
    assertArrayEquals(new double[] {25, 0, 13}, d[1]);
    assertArrayEquals(new double[] {2, 13, 0}, d[2]);
  }

  @Test
  void pairwiseDistancesAcrossBlocksMatchANaiveSumAndDoNotDependOnThreads() {
    SplittableRandom rng = new SplittableRandom(3);
    int n = 9;
    int dim = 3 * PairwiseDistances.BLOCK + 7;
    float[][] rows = new float[n][dim];
    for (float[] r : rows) for (int k = 0; k < dim; k++) r[k] = (float) rng.nextGaussian();
    double[][] one = PairwiseDistances.squared(rows, 1);
    double[][] three = PairwiseDistances.squared(rows, 3);
    for (int i = 0; i < n; i++) {
      assertArrayEquals(one[i], three[i], 0.0, "thread count changed row " + i);
      for (int j = 0; j < n; j++) {
        double s = 0;
        for (int k = 0; k < dim; k++) {
          double x = (double) rows[i][k] - rows[j][k];
          s += x * x;
        }
        assertEquals(s, one[i][j], 1e-6 * Math.max(1, s), "differences are rounded to float");
      }
    }
  }

  // 1-D points 0, 1, 2, 10, 3; f = 1 keeps n - f - 2 = 2 neighbours.
  // Scores: 0 -> 1+4 = 5, 1 -> 1+1 = 2, 2 -> 1+1 = 2, 10 -> 49+64 = 113, 3 -> 1+4 = 5.
  private static final float[][] LINE = {{0}, {1}, {2}, {10}, {3}};

  @Test
  void krumScoresAndSelectionByHand() {
    double[][] d = PairwiseDistances.squared(LINE);
    assertArrayEquals(new double[] {5, 2, 2, 113, 5}, Krum.scores(d, new int[] {0, 1, 2, 3, 4}, 1));
    assertArrayEquals(new int[] {1}, Krum.select(d, 1, 1), "tie between 1 and 2 goes to the lower index");
    assertArrayEquals(new int[] {1, 2, 0}, Krum.select(d, 1, 3));
    assertArrayEquals(new float[] {1f}, Krum.aggregate(LINE, 1, 1, 1));
    assertArrayEquals(new float[] {1f}, Krum.aggregate(LINE, 1, 3, 1), "mean of 0, 1, 2");
    assertArrayEquals(new float[] {1.5f}, Krum.aggregate(LINE, 1, 2, 1));
  }

  @Test
  void krumRejectsTooManyByzantineClients() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Krum.select(PairwiseDistances.squared(LINE), 2, 1));
    assertEquals("krum f=2 is too large for n=5 clients: need n > 2f + 2", e.getMessage());
  }

  // 0, 1, 2, 3, 4, 100, -50 with f = 1: iterated Krum picks 2, 1, 3, 0, 4 (worked out in the
  // comments of Bulyan's selection): theta = 5, beta = 3, values closest to the median 2 are 1, 2, 3.
  private static final float[][] BULYAN = {{0}, {1}, {2}, {3}, {4}, {100}, {-50}};

  @Test
  void bulyanSelectionAndAggregateByHand() {
    assertArrayEquals(new int[] {2, 1, 3, 0, 4}, Bulyan.select(PairwiseDistances.squared(BULYAN), 1));
    assertArrayEquals(new float[] {2f}, Bulyan.aggregate(BULYAN, 1, 1));
  }

  @Test
  void bulyanAveragesTheValuesClosestToTheMedian() {
    // median 5; closest three: 5, 6, 7
    assertEquals(6f, Bulyan.closestToMedianMean(new float[] {0, 1, 5, 6, 7}, 3));
    // median 3.5 of {0, 3, 4, 9}: closest two are 3 and 4
    assertEquals(3.5f, Bulyan.closestToMedianMean(new float[] {0, 3, 4, 9}, 2));
  }

  @Test
  void bulyanRejectsTooManyByzantineClients() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Bulyan.aggregate(BULYAN, 2, 1));
    assertEquals("bulyan f=2 is too large for n=7 clients: need n >= 4f + 3", e.getMessage());
  }
}
