package io.lianbang.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterMathTest {
  /** A vector of two values followed by a 2×2 matrix: values in flat order. */
  private static Parameters twoTensors(float... v) {
    return Parameters.of(Tensor.of(new int[] {2}, new float[] {v[0], v[1]}),
        Tensor.of(new int[] {2, 2}, new float[] {v[2], v[3], v[4], v[5]}));
  }

  private static void assertLayout(Parameters p) {
    assertEquals(2, p.count());
    assertArrayEquals(new int[] {2}, p.tensor(0).shape());
    assertArrayEquals(new int[] {2, 2}, p.tensor(1).shape());
  }

  @Test
  void zipAndMapKeepTheLayoutAndSubtractFlatFollowsFlatten() {
    Parameters a = twoTensors(1, 2, 3, 4, 5, 6);
    Parameters b = twoTensors(0.5f, -1, 3, 10, 0, 0.25f);
    Parameters s = ParameterMath.zip(a, b, (i, x, y) -> x + y);
    assertLayout(s);
    assertArrayEquals(new float[] {1.5f, 1, 6, 14, 5, 6.25f}, s.flatten());
    Parameters h = ParameterMath.map(a, (i, x) -> x * 0.5f);
    assertLayout(h);
    assertArrayEquals(new float[] {0.5f, 1, 1.5f, 2, 2.5f, 3}, h.flatten());
    assertArrayEquals(new float[] {0.5f, 3, 0, -6, 5, 5.75f}, ParameterMath.subtractFlat(a, b));
  }

  @Test
  void inputsAreNotModified() {
    Parameters a = twoTensors(1, 2, 3, 4, 5, 6);
    Parameters b = twoTensors(1, 1, 1, 1, 1, 1);
    ParameterMath.subtractFlat(a, b);
    ParameterMath.zip(a, b, (i, x, y) -> 0);
    assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, a.flatten());
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, b.flatten());
  }

  @Test
  void functionsSeeFlatIndicesInOrderAcrossTensors() {
    Parameters a = twoTensors(10, 20, 30, 40, 50, 60);
    Parameters b = twoTensors(1, 2, 3, 4, 5, 6);
    List<Integer> seen = new ArrayList<>();
    Parameters z = ParameterMath.zip(a, b, (i, x, y) -> {
      seen.add(i);
      return x + 100 * i + y;
    });
    assertEquals(List.of(0, 1, 2, 3, 4, 5), seen);
    assertLayout(z);
    assertArrayEquals(new float[] {11, 122, 233, 344, 455, 566}, z.flatten());
    assertArrayEquals(new float[] {10, 21, 32, 43, 54, 65}, ParameterMath.map(a, (i, x) -> x + i).flatten());
    float[] sums = new float[6];
    ParameterMath.forEach(a, b, (i, x, y) -> sums[i] = x - y);
    assertArrayEquals(new float[] {9, 18, 27, 36, 45, 54}, sums);
  }

  @Test
  void distances() {
    Parameters a = twoTensors(1, 2, 0, 0, 0, 7);
    Parameters b = twoTensors(4, 6, 0, 0, 0, 7);
    assertEquals(25.0, ParameterMath.squaredDistance(a, b));
    assertEquals(5.0, ParameterMath.distance(b, a));
  }

  @Test
  void distanceTakesDifferencesInDoubleAndSubtractRoundsToFloat() {
    float tiny = 1e-8f;
    Parameters one = Parameters.of(Tensor.vector(1f));
    Parameters t = Parameters.of(Tensor.vector(tiny));
    // In float 1 − 1e-8 rounds to 1; in double it does not.
    assertArrayEquals(new float[] {1f}, ParameterMath.subtractFlat(one, t));
    double exact = 1.0 - (double) tiny;
    assertEquals(exact * exact, ParameterMath.squaredDistance(one, t));
    assertTrue(exact * exact < 1.0);
  }

  @Test
  void addScaledToFlatVectors() {
    Parameters p = twoTensors(1, 2, 3, 4, 5, 6);
    double[] d = {1, 1, 1, 1, 1, 1};
    ParameterMath.addScaledTo(d, 0.5, p);
    assertArrayEquals(new double[] {1.5, 2, 2.5, 3, 3.5, 4}, d);
    float[] f = {0, 0, 0, 0, 0, -1};
    ParameterMath.addScaledTo(f, -2, p);
    assertArrayEquals(new float[] {-2, -4, -6, -8, -10, -13}, f);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParameterMath.addScaledTo(new double[5], 1, p));
    assertEquals("flat vector has 5 values, the parameters have 6", e.getMessage());
  }

  @Test
  void addNoiseDrawsOncePerValueInFlatOrder() {
    Iterator<Double> g = List.of(1.0, -1.0, 0.5, 0.0, 2.0, -0.25).iterator();
    Parameters n = ParameterMath.addNoise(twoTensors(1, 2, 3, 4, 5, 6), 2, g::next);
    assertLayout(n);
    assertArrayEquals(new float[] {3, 0, 4, 4, 9, 5.5f}, n.flatten());
  }

  @Test
  void zerosHaveTheLayout() {
    Parameters z = ParameterMath.zeros(twoTensors(1, 2, 3, 4, 5, 6));
    assertLayout(z);
    assertArrayEquals(new float[6], z.flatten());
  }

  @Test
  void mismatchedLayoutsAreRefusedNamingTheTensor() {
    Parameters a = twoTensors(1, 2, 3, 4, 5, 6);
    Parameters shape = Parameters.of(Tensor.vector(1, 2), Tensor.zeros(4));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ParameterMath.subtractFlat(a, shape));
    assertEquals("parameter layouts differ: tensor[1] expected shape [2, 2] but got [4]", e.getMessage());
    Parameters fewer = Parameters.of(Tensor.vector(1, 2));
    e = assertThrows(IllegalArgumentException.class, () -> ParameterMath.squaredDistance(a, fewer));
    assertEquals("parameter layouts differ: expected 2 tensors but got 1", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ParameterMath.forEach(a, fewer, (i, x, y) -> {}));
    assertThrows(IllegalArgumentException.class, () -> ParameterMath.zip(fewer, a, (i, x, y) -> x));
  }
}
