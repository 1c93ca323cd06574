package io.lianbang.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.engine.kernel.Kernels;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptimizerTest {
  private static final Exec EXEC = new Exec(Kernels.scalar(), 1, true);

  private static Param param(float... values) {
    Param p = new Param("p", new int[] {values.length}, false);
    System.arraycopy(values, 0, p.value, 0, values.length);
    return p;
  }

  @Test
  void sgdWithMomentumAndWeightDecayFollowsPyTorch() {
    Param p = param(1.0f, -2.0f);
    List<Param> ps = List.of(p);
    Optimizer sgd = OptimizerConfig.sgd(0.1, 0.9, 0.01).create();
    // step 1: g = (0.5, 0.25); d = g + 0.01 p = (0.51, 0.23); buf = d; p -= 0.1 d
    p.grad[0] = 0.5f;
    p.grad[1] = 0.25f;
    sgd.step(ps, EXEC);
    assertEquals(1.0 - 0.1 * 0.51, p.value[0], 1e-6);
    assertEquals(-2.0 - 0.1 * 0.23, p.value[1], 1e-6);
    // step 2: same g; d = g + 0.01 p; buf = 0.9 buf + d; p -= 0.1 buf
    double p0 = 1.0 - 0.051;
    double p1 = -2.0 - 0.023;
    sgd.step(ps, EXEC);
    double buf0 = 0.9 * 0.51 + (0.5 + 0.01 * p0);
    double buf1 = 0.9 * 0.23 + (0.25 + 0.01 * p1);
    assertEquals(p0 - 0.1 * buf0, p.value[0], 1e-6);
    assertEquals(p1 - 0.1 * buf1, p.value[1], 1e-6);
  }

  @Test
  void plainSgdIsGradientStep() {
    Param p = param(3f);
    p.grad[0] = 2f;
    OptimizerConfig.sgd(0.25).create().step(List.of(p), EXEC);
    assertEquals(2.5f, p.value[0]);
  }

  @Test
  void adamFollowsKingmaAndBaWithBiasCorrection() {
    Param p = param(1.0f);
    List<Param> ps = List.of(p);
    Optimizer adam = OptimizerConfig.adam(0.01, 0.0).create();
    double m = 0, v = 0, w = 1.0;
    double[] grads = {0.5, -0.3, 0.2};
    for (int t = 1; t <= grads.length; t++) {
      double g = grads[t - 1];
      p.grad[0] = (float) g;
      adam.step(ps, EXEC);
      m = 0.9 * m + 0.1 * g;
      v = 0.999 * v + 0.001 * g * g;
      double mHat = m / (1 - Math.pow(0.9, t));
      double vHat = v / (1 - Math.pow(0.999, t));
      w -= 0.01 * mHat / (Math.sqrt(vHat) + 1e-8);
      assertEquals(w, p.value[0], 1e-6, "after step " + t);
    }
    // the first Adam step moves every weight by about lr, whatever the gradient scale
    Param q = param(0f);
    q.grad[0] = 1e-3f;
    OptimizerConfig.adam(0.01, 0).create().step(List.of(q), EXEC);
    assertEquals(-0.01, q.value[0], 1e-6);
  }

  @Test
  void adamWeightDecayIsAddedToTheGradient() {
    Param p = param(2.0f);
    p.grad[0] = 0f;
    OptimizerConfig.adam(0.1, 0.5).create().step(List.of(p), EXEC);
    // g = 0 + 0.5 * 2 = 1 -> first step moves by lr
    assertEquals(1.9, p.value[0], 1e-6);
  }

  @Test
  void configRejectsBadValuesNamingFieldAndValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OptimizerConfig.sgd(-0.1));
    assertEquals("sgd lr must be > 0, got -0.1", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> OptimizerConfig.sgd(0.1, 1.5, 0));
    assertTrue(e.getMessage().contains("momentum") && e.getMessage().contains("1.5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> OptimizerConfig.adam(0.1, -1));
    assertEquals("adam weightDecay must be >= 0, got -1.0", e.getMessage());
  }

  @Test
  void optimizerStaysBoundToItsParameters() {
    Optimizer sgd = OptimizerConfig.sgd(0.1, 0.9, 0).create();
    sgd.step(List.of(param(1f)), EXEC);
    assertThrows(IllegalStateException.class, () -> sgd.step(List.of(param(1f), param(2f)), EXEC));
  }
}
