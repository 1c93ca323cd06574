package io.lianbang.core.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lianbang.core.simd.VectorApi;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Every term's fixed-point value, checked bit for bit against exact arithmetic: the 128-bit state
 * after adding {@code w * x} must be {@code w * x} (rounded to double, as the sum specifies) times
 * 2^64, truncated toward zero, for integer weights (the integer fast path) and fractional ones
 * (the general path), over floats of every magnitude the fixed-point range holds, with the
 * scalar and (where the module is present) the Vector API kernel.
 */
class ExactWeightedSumBitsTest {
  private static final BigDecimal TWO_POW_64 = new BigDecimal(BigInteger.ONE.shiftLeft(64));

  @Test
  void everyTermIsTheTruncatedExactValue() {
    SplittableRandom rng = new SplittableRandom(15);
    double[] weights = {1, 10, 37, 1 << 29, (1 << 29) + 1, 0.5, 3.25, 1e-3, 12345.678};
    int n = 4096;
    for (double w : weights) {
      float[] x = new float[n];
      for (int i = 0; i < n; i++) {
        int exp = rng.nextInt(-90, 60 - Math.max(0, Math.getExponent(w))); // below the resolution to near 2^62
        float v = (float) Math.scalb(1 + rng.nextDouble(), exp);
        x[i] = switch (i % 16) {
          case 0 -> 0f;
          case 1 -> -0f;
          case 2 -> Float.MIN_VALUE;
          case 3 -> -Float.MIN_NORMAL;
          default -> rng.nextBoolean() ? -v : v;
        };
      }
      for (FixedPointKernel kernel : kernels()) {
        ExactWeightedSum sum = new ExactWeightedSum(Parameters.of(List.of(Tensor.vector(x))), kernel);
        sum.add(Parameters.of(List.of(Tensor.vector(x))), w);
        ExactWeightedSum.State s = sum.state();
        for (int i = 0; i < n; i++) {
          double term = w * x[i];
          BigInteger expected = new BigDecimal(term).multiply(TWO_POW_64).setScale(0, RoundingMode.DOWN).toBigInteger();
          BigInteger actual = BigInteger.valueOf(s.hi()[i]).shiftLeft(64).add(new BigInteger(Long.toUnsignedString(s.lo()[i])));
          assertEquals(expected, actual, kernel.getClass().getSimpleName() + ", weight " + w + ", x[" + i + "] = " + x[i]);
        }
      }
    }
  }

  private static List<FixedPointKernel> kernels() {
    return VectorApi.modulePresent() ? List.of(new ScalarFixedPointKernel(), new VectorFixedPointKernel())
        : List.of(new ScalarFixedPointKernel());
  }

  @Test
  void carriesAcrossTheLowWordInBothDirections() {
    float[] x = {0.75f, -0.75f, 0.999999f};
    ExactWeightedSum sum = new ExactWeightedSum(Parameters.of(List.of(Tensor.vector(x))));
    float[] neg = {-0.75f, 0.75f, -0.999999f};
    for (int k = 0; k < 5; k++) sum.add(Parameters.of(List.of(Tensor.vector(x))), 3);
    for (int k = 0; k < 5; k++) sum.add(Parameters.of(List.of(Tensor.vector(neg))), 3);
    assertArrayEquals(new long[3], sum.state().hi());
    assertArrayEquals(new long[3], sum.state().lo());
  }
}
