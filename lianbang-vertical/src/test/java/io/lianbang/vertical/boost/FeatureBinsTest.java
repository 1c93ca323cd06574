package io.lianbang.vertical.boost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.vertical.data.TestData;
import io.lianbang.vertical.data.VerticalTable;
import org.junit.jupiter.api.Test;

class FeatureBinsTest {
  private static double[][] column(double... v) {
    double[][] rows = new double[v.length][];
    for (int i = 0; i < v.length; i++) rows[i] = new double[] {v[i]};
    return rows;
  }

  @Test
  void quantileSplitPointsByHand() {
    // n = 10, B = 4: the lower quantiles at ranks ceil(10k/4) = 3, 5, 8 are the values 3, 5, 8.
    FeatureBins b = FeatureBins.fit(column(10, 9, 8, 7, 6, 5, 4, 3, 2, 1), 1, 4);
    assertEquals(4, b.bins(0));
    assertEquals(3.0, b.threshold(0, 0));
    assertEquals(5.0, b.threshold(0, 1));
    assertEquals(8.0, b.threshold(0, 2));
    assertEquals(0, b.bin(0, 1));
    assertEquals(0, b.bin(0, 3));
    assertEquals(1, b.bin(0, 3.5));
    assertEquals(2, b.bin(0, 8));
    assertEquals(3, b.bin(0, 9));
    assertEquals(3, b.bin(0, 1e9));
  }

  @Test
  void repeatedValuesAndConstantsGiveFewerBins() {
    // ranks 3, 5, 8 of 0,0,0,0,0,0,0,1,1,2 are 0, 0, 1: split points {0, 1}.
    FeatureBins b = FeatureBins.fit(column(0, 0, 0, 0, 0, 0, 0, 1, 1, 2), 1, 4);
    assertEquals(3, b.bins(0));
    assertEquals(0.0, b.threshold(0, 0));
    assertEquals(1.0, b.threshold(0, 1));
    assertEquals(1, FeatureBins.fit(column(7, 7, 7), 1, 32).bins(0));
    assertThrows(IllegalArgumentException.class, () -> b.threshold(0, 2));
    assertThrows(IllegalArgumentException.class, () -> FeatureBins.fit(column(1, 2), 1, 1));
  }

  @Test
  void breastBinsAreBoundedAndMatchTheirThresholds() {
    VerticalTable host = TestData.breastHost();
    FeatureBins b = FeatureBins.fit(host.features(), host.columns(), 32);
    int[][] bins = b.binColumns(host.features());
    for (int f = 0; f < b.features(); f++) {
      assertTrue(b.bins(f) >= 2 && b.bins(f) <= 32, "bins of feature " + f + ": " + b.bins(f));
      int[] count = new int[b.bins(f)];
      for (int r = 0; r < host.rows(); r++) {
        count[bins[f][r]]++;
        for (int t = 0; t < b.bins(f) - 1; t++) {
          assertEquals(host.features()[r][f] <= b.threshold(f, t), bins[f][r] <= t);
        }
      }
      for (int c : count) assertTrue(c > 0, "every bin of feature " + f + " holds a row");
    }
  }
}
