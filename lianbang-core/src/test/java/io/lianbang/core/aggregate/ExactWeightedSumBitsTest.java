package io.lianbang.core.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

  /**
   * A buffered sum holds the plain sum's bits: over 300 vectors (several flushes of the buffers,
   * and reads in between that flush early), weights whose windows are wide, narrow or too narrow
   * to buffer, fractional weights, magnitudes from 2^-100 to 2^30 (terms in and out of each
   * chunk's window, and values that grow past the window chosen from the first vector), a refused
   * vector in the middle, and a merge.
   */
  @Test
  void aBufferedSumHoldsThePlainSumsBits() {
    SplittableRandom rng = new SplittableRandom(16);
    Parameters layout = Parameters.of(List.of(Tensor.zeros(5000), Tensor.zeros(13)));
    double[] weights = {10, 1, 600, 1 << 20, 1 << 29, 2.5, 37};
    for (FixedPointKernel kernel : kernels()) {
      ExactWeightedSum plain = new ExactWeightedSum(layout, kernel, false);
      ExactWeightedSum buffered = new ExactWeightedSum(layout, kernel, true);
      for (int t = 0; t < 300; t++) {
        double scale = Math.scalb(1.0, t < 50 ? -8 : -8 + t % 12); // later vectors outgrow the first windows
        Parameters v = Parameters.of(List.of(Tensor.vector(gaussian(rng, 5000, scale)), Tensor.vector(gaussian(rng, 13, 1))));
        double w = weights[t % weights.length];
        plain.add(v, w);
        buffered.add(v, w);
        if (t == 150) {
          float[] bad = gaussian(rng, 5000, scale);
          bad[4321] = Float.POSITIVE_INFINITY;
          Parameters refused = Parameters.of(List.of(Tensor.vector(bad), Tensor.vector(gaussian(rng, 13, 1))));
          assertThrows(IllegalArgumentException.class, () -> buffered.add(refused, 10));
        }
        if (t % 97 == 0) assertSameState(plain.state(), buffered.state(), kernel + " after " + (t + 1) + " vectors");
      }
      assertSameState(plain.state(), buffered.state(), kernel + " at the end");
      assertArrayEquals(plain.mean().flatten(), buffered.mean().flatten());
      ExactWeightedSum merged = new ExactWeightedSum(layout, kernel, true);
      merged.add(Parameters.of(List.of(Tensor.vector(gaussian(rng, 5000, 1)), Tensor.vector(gaussian(rng, 13, 1)))), 3);
      ExactWeightedSum reference = ExactWeightedSum.of(layout, merged.state());
      merged.addAll(buffered);
      reference.addAll(plain);
      assertSameState(reference.state(), merged.state(), kernel + " merged");
    }
  }

  private static void assertSameState(ExactWeightedSum.State expected, ExactWeightedSum.State actual, String what) {
    assertArrayEquals(expected.hi(), actual.hi(), "high words, " + what);
    assertArrayEquals(expected.lo(), actual.lo(), "low words, " + what);
    assertEquals(expected.totalWeight(), actual.totalWeight(), "total weight, " + what);
    assertEquals(expected.terms(), actual.terms(), "terms, " + what);
  }

  /** Gaussian values times {@code scale}, one in 50 scaled down by up to 2^-90 more. */
  private static float[] gaussian(SplittableRandom rng, int n, double scale) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      double tiny = i % 50 == 0 ? Math.scalb(1.0, -rng.nextInt(91)) : 1;
      v[i] = (float) (rng.nextGaussian() * scale * tiny);
    }
    return v;
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
