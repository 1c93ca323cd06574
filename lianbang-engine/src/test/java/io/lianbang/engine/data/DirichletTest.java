package io.lianbang.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.core.random.SplitMix64;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DirichletTest {
  @ParameterizedTest
  @ValueSource(doubles = {0.1, 0.5, 1.0, 3.7, 50.0})
  void gammaHasMeanAndVarianceEqualToShape(double shape) {
    SplitMix64 rng = new SplitMix64(7);
    int n = 200_000;
    double sum = 0;
    double sq = 0;
    for (int i = 0; i < n; i++) {
      double x = Math.exp(Dirichlet.logGamma(shape, rng));
      sum += x;
      sq += x * x;
    }
    double mean = sum / n;
    double var = sq / n - mean * mean;
    double se = Math.sqrt(shape / n);
    assertEquals(shape, mean, 5 * se, "mean");
    assertEquals(shape, var, 0.05 * shape + 10 * se, "variance");
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.001, 0.1, 10})
  void dirichletSumsToOneEvenForTinyAlpha(double alpha) {
    SplitMix64 rng = new SplitMix64(1);
    for (int t = 0; t < 100; t++) {
      double[] p = Dirichlet.sample(alpha, 20, rng);
      double s = 0;
      for (double v : p) {
        assertTrue(v >= 0 && v <= 1);
        s += v;
      }
      assertEquals(1.0, s, 1e-12);
    }
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.3, 2})
  void maskedComponentsAreZero(double alpha) {
    boolean[] eligible = {true, false, true, false};
    double[] p = Dirichlet.sample(alpha, 4, eligible, new SplitMix64(3));
    assertEquals(0.0, p[1]);
    assertEquals(0.0, p[3]);
    assertEquals(1.0, p[0] + p[2], 1e-12);
  }
}
