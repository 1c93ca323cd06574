package io.lianbang.core.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactWeightedSumTest {
  private static Parameters params(float... v) {
    return Parameters.of(Tensor.of(new int[] {v.length}, v));
  }

  @Test
  void weightedMeanMatchesHandComputation() {
    ExactWeightedSum s = new ExactWeightedSum(params(0, 0, 0));
    s.add(params(1f, -2f, 0.5f), 1);
    s.add(params(4f, 2f, -0.25f), 3);
    // (1*1 + 4*3)/4 = 3.25; (-2 + 6)/4 = 1; (0.5 - 0.75)/4 = -0.0625
    assertArrayEquals(new float[] {3.25f, 1f, -0.0625f}, s.mean().flatten());
    assertEquals(4.0, s.totalWeight());
    assertEquals(2, s.terms());
  }

  @Test
  void resultIsIdenticalInEveryArrivalOrder() {
    Random rnd = new Random(7);
    List<float[]> vectors = new ArrayList<>();
    List<Integer> weights = new ArrayList<>();
    for (int c = 0; c < 20; c++) {
      float[] v = new float[257];
      for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(9) - 4));
      vectors.add(v);
      weights.add(1 + rnd.nextInt(5000));
    }
    float[] reference = null;
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < vectors.size(); i++) order.add(i);
    for (int trial = 0; trial < 10; trial++) {
      Collections.shuffle(order, rnd);
      ExactWeightedSum s = new ExactWeightedSum(params(new float[257]));
      for (int i : order) s.add(params(vectors.get(i)), weights.get(i));
      float[] mean = s.mean().flatten();
      if (reference == null) reference = mean;
      assertArrayEquals(reference, mean, "order " + order);
    }
    // and it agrees with a double-precision computation
    for (int j = 0; j < 257; j++) {
      double num = 0;
      double den = 0;
      for (int c = 0; c < vectors.size(); c++) {
        num += (double) weights.get(c) * vectors.get(c)[j];
        den += weights.get(c);
      }
      double expected = num / den;
      assertEquals(expected, reference[j], Math.abs(expected) * 1e-6 + 1e-18);
    }
  }

  @Test
  void rejectsBadInput() {
    ExactWeightedSum s = new ExactWeightedSum(params(0, 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.add(params(1, 2), -1));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> s.add(params(1, Float.NaN), 1));
    assertTrue(e.getMessage().contains("tensor[0][1]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> s.add(params(1, 2, 3), 1));
    assertThrows(IllegalStateException.class, s::mean);
  }

  @Test
  void handlesTinyAndLargeMagnitudes() {
    ExactWeightedSum s = new ExactWeightedSum(params(0, 0, 0));
    s.add(params(1e-12f, 3e9f, -7.5e-6f), 2);
    s.add(params(-1e-12f, -3e9f, 2.5e-6f), 2);
    assertArrayEquals(new float[] {0f, 0f, -2.5e-6f}, s.mean().flatten());
  }
  @Test
  void partialSumsMergeToTheFlatSumBitForBit() {
    Random rnd = new Random(11);
    int n = 301;
    List<float[]> vectors = new ArrayList<>();
    for (int c = 0; c < 12; c++) {
      float[] v = new float[n];
      for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(9) - 4));
      vectors.add(v);
    }
    ExactWeightedSum flat = new ExactWeightedSum(params(new float[n]));
    for (int c = 0; c < vectors.size(); c++) flat.add(params(vectors.get(c)), 1 + c * 37);
    // three uneven partial sums, one of them passed through its state as another process would
    ExactWeightedSum a = new ExactWeightedSum(params(new float[n]));
    ExactWeightedSum b = new ExactWeightedSum(params(new float[n]));
    ExactWeightedSum c = new ExactWeightedSum(params(new float[n]));
    for (int k = 0; k < vectors.size(); k++) (k < 2 ? a : k < 9 ? b : c).add(params(vectors.get(k)), 1 + k * 37);
    ExactWeightedSum merged = ExactWeightedSum.of(params(new float[n]), c.state());
    merged.addAll(a);
    merged.addAll(ExactWeightedSum.of(params(new float[n]), b.state()));
    assertArrayEquals(flat.mean().flatten(), merged.mean().flatten());
    assertArrayEquals(flat.state().hi(), merged.state().hi());
    assertArrayEquals(flat.state().lo(), merged.state().lo());
    assertEquals(flat.totalWeight(), merged.totalWeight());
    assertEquals(12, merged.terms());
  }

  @Test
  void refusesForeignLayoutsAndStates() {
    ExactWeightedSum s = new ExactWeightedSum(params(0, 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> s.addAll(new ExactWeightedSum(params(0, 0, 0))));
    assertTrue(e.getMessage().contains("layout"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ExactWeightedSum.of(params(0, 0), new ExactWeightedSum.State(new long[3], new long[3], 1, 1)));
    assertTrue(e.getMessage().contains("3 high"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ExactWeightedSum.of(params(0, 0), new ExactWeightedSum.State(new long[2], new long[2], Double.NaN, 1)));
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ExactWeightedSum.of(params(0, 0), new ExactWeightedSum.State(new long[2], new long[2], 1, -2)));
    assertTrue(e.getMessage().contains("-2"), e.getMessage());
  }
}
