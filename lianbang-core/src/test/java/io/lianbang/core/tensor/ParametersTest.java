package io.lianbang.core.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parameters are an immutable list of tensors, equal by content. */
class ParametersTest {
  @Test
  void equalByTensorsPrintedWithTheirShapesAndCopiedOnCreation() {
    List<Tensor> in = new ArrayList<>(List.of(Tensor.vector(1f, 2f), Tensor.vector(3f)));
    Parameters p = Parameters.of(in);
    in.clear();
    assertEquals(2, p.count());
    assertEquals("Parameters[Tensor[2], Tensor[1]]", p.toString());
    Parameters same = Parameters.of(Tensor.vector(1f, 2f), Tensor.vector(3f));
    assertEquals(p, same);
    assertEquals(p.hashCode(), same.hashCode());
    assertNotEquals(p, Parameters.of(Tensor.vector(1f, 2f), Tensor.vector(4f)));
    assertThrows(UnsupportedOperationException.class, () -> p.tensors().add(Tensor.vector(0f)));
  }

  @Test
  void aNullTensorIsRefusedWithItsIndex() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Parameters.of(Arrays.asList(Tensor.vector(1f), null)));
    assertEquals("parameters tensor[1] is null", e.getMessage());
  }

  @Test
  void firstNonFiniteNamesTheFirstNanOrInfinityAndNothingElse() {
    float[] big = new float[1000];
    for (int i = 0; i < big.length; i++) big[i] = (i % 2 == 0 ? 1 : -1) * Float.MAX_VALUE / (i + 1);
    assertEquals(null, Parameters.of(List.of(Tensor.vector(big), Tensor.vector(-0f, Float.MIN_VALUE))).firstNonFinite());
    for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
      float[] v = big.clone();
      v[997] = bad;
      v[999] = Float.NaN;
      Tensor t = Tensor.vector(v);
      assertEquals(false, t.allFinite());
      assertEquals("tensor[1][997] = " + bad, Parameters.of(List.of(Tensor.vector(1f), t)).firstNonFinite());
    }
    assertEquals(true, Tensor.zeros(0).allFinite());
  }
}
