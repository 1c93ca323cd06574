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
}
