package io.lianbang.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KernelTest {
  private static final int[] SIZES = {1, 3, 17, 33, 200};

  static List<Kernel> kernels() {
    List<Kernel> k = new ArrayList<>();
    k.add(Kernels.scalar());
    if (Kernels.vectorModulePresent()) k.add(Kernels.vector());
    return k;
  }

  static Stream<Arguments> shapes() {
    List<Arguments> out = new ArrayList<>();
    for (int m : SIZES) for (int n : SIZES) for (int k : new int[] {1, 17, 200}) out.add(Arguments.of(m, n, k));
    out.add(Arguments.of(10, 200, 784));
    out.add(Arguments.of(9, 65, 300));
    // short reductions, where the vector kernel applies a fused SGD step from registers
    out.add(Arguments.of(784, 200, 10));
    out.add(Arguments.of(41, 100, 16));
    return out.stream();
  }

  /** Random operands of an {@code m×k} by {@code k×n} product, drawn in this order from one seed. */
  private static final class Operands {
    final float[] a;
    final float[] b;
    /** {@code m×n}: the output's start values or the weights an SGD step updates. */
    final float[] c;
    final float[] bias;

    Operands(long seed, int m, int n, int k, int biasLength) {
      SplittableRandom r = new SplittableRandom(seed);
      a = random(r, m * k);
      b = random(r, k * n);
      c = random(r, m * n);
      bias = random(r, biasLength);
    }
  }

  private static float[] random(SplittableRandom r, int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
    return x;
  }

  /** The contract, written out literally: one in-order fma chain per element. */
  private static float[] reference(int m, int n, int k, float[] a, int ars, int acs, float[] b, float[] c0,
                                   GemmInit init, float[] bias) {
    float[] c = new float[m * n];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        float acc;
        switch (init) {
          case ZERO: acc = 0f; break;
          case ACCUMULATE: acc = c0[i * n + j]; break;
          case ROW_BIAS: acc = bias[i]; break;
          default: acc = bias[j];
        }
        for (int p = 0; p < k; p++) acc = Math.fma(a[i * ars + p * acs], b[p * n + j], acc);
        c[i * n + j] = acc;
      }
    }
    return c;
  }

  @ParameterizedTest(name = "m={0} n={1} k={2}")
  @MethodSource("shapes")
  void gemmMatchesInOrderFmaChainForEveryKernelInitLayoutAndThreadCount(int m, int n, int k) {
    Operands o = new Operands(31L * m + 7L * n + k, m, n, k, Math.max(m, n));
    for (GemmInit init : GemmInit.values()) {
      for (boolean transposedA : new boolean[] {false, true}) {
        int ars = transposedA ? 1 : k;
        int acs = transposedA ? m : 1;
        float[] want = reference(m, n, k, o.a, ars, acs, o.b, o.c, init, o.bias);
        for (Kernel kernel : kernels()) {
          for (int threads = 1; threads <= 3; threads++) {
            float[] c = o.c.clone();
            kernel.gemm(m, n, k, o.a, 0, ars, acs, o.b, 0, n, c, 0, n, init, o.bias, 0, threads);
            assertArrayEquals(want, c, kernel + " init=" + init + " transposedA=" + transposedA + " threads=" + threads);
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "m={0} n={1} k={2}")
  @MethodSource("shapes")
  void fusedReluAndSgdMatchTheUnfusedOperations(int m, int n, int k) {
    Operands o = new Operands(17L * m + 5L * n + k, m, n, k, n);
    float lr = 0.05f;
    float[] relu = reference(m, n, k, o.a, k, 1, o.b, null, GemmInit.COLUMN_BIAS, o.bias);
    for (int e = 0; e < relu.length; e++) relu[e] = relu[e] > 0f ? relu[e] : 0f;
    for (boolean transposedA : new boolean[] {false, true}) {
      int ars = transposedA ? 1 : k;
      int acs = transposedA ? m : 1;
      float[] g = reference(m, n, k, o.a, ars, acs, o.b, null, GemmInit.ZERO, null);
      float[] sgd = o.c.clone();
      for (int e = 0; e < sgd.length; e++) sgd[e] -= lr * g[e];
      for (Kernel kernel : kernels()) {
        for (int threads = 1; threads <= 3; threads++) {
          float[] w = o.c.clone();
          kernel.gemmSgd(m, n, k, o.a, 0, ars, acs, o.b, 0, n, w, 0, n, lr, threads);
          assertArrayEquals(sgd, w, kernel + " sgd transposedA=" + transposedA + " threads=" + threads);
          if (!transposedA) {
            float[] c = new float[m * n];
            kernel.gemm(m, n, k, o.a, 0, k, 1, o.b, 0, n, c, 0, n, GemmInit.COLUMN_BIAS, o.bias, 0, true, threads);
            assertArrayEquals(relu, c, kernel + " relu threads=" + threads);
          }
        }
      }
    }
  }

  @Test
  void transposeMovesEveryValueForEveryKernelShapeAndOffset() {
    for (int[] mn : new int[][] {{1, 1}, {7, 9}, {8, 8}, {16, 24}, {33, 17}, {784, 200}, {200, 784}, {203, 13}}) {
      int m = mn[0];
      int n = mn[1];
      float[] src = new float[3 + m * n];
      for (int i = 0; i < src.length; i++) src[i] = i * 0.5f - 7;
      float[] want = new float[5 + m * n];
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) want[5 + j * m + i] = src[3 + i * n + j];
      }
      for (Kernel kernel : kernels()) {
        float[] dst = new float[5 + m * n];
        kernel.transpose(m, n, src, 3, dst, 5);
        assertArrayEquals(want, dst, kernel + " transpose " + m + "x" + n);
      }
    }
  }

  @Test
  void reluGradientMasksByOutput() {
    float[] y = new float[37];
    float[] dy = new float[37];
    for (int i = 0; i < 37; i++) {
      y[i] = i % 3 == 0 ? 0f : (i % 3 == 1 ? 1f + i : -0f);
      dy[i] = i + 0.5f;
    }
    for (Kernel kernel : kernels()) {
      float[] dx = new float[37];
      kernel.reluGrad(37, y, dy, dx);
      for (int i = 0; i < 37; i++) assertEquals(i % 3 == 1 ? dy[i] : 0f, dx[i], kernel + " dx[" + i + "]");
    }
  }

  @Test
  void gemmHonoursOffsetsAndLeadingDimensions() {
    SplittableRandom r = new SplittableRandom(5);
    int m = 7, n = 19, k = 13, lda = 20, ldb = 23, ldc = 29;
    float[] a = random(r, 3 + m * lda);
    float[] b = random(r, 5 + k * ldb);
    for (Kernel kernel : kernels()) {
      float[] c = new float[11 + m * ldc];
      kernel.gemm(m, n, k, a, 3, lda, 1, b, 5, ldb, c, 11, ldc, GemmInit.ZERO, null, 0, 2);
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
          float acc = 0f;
          for (int p = 0; p < k; p++) acc = Math.fma(a[3 + i * lda + p], b[5 + p * ldb + j], acc);
          assertEquals(acc, c[11 + i * ldc + j], kernel + " c[" + i + "][" + j + "]");
        }
        for (int j = n; j < ldc && 11 + i * ldc + j < c.length; j++) {
          assertEquals(0f, c[11 + i * ldc + j], kernel + " wrote outside row " + i + " at column " + j);
        }
      }
    }
  }

  @Test
  void scalarAndVectorAgreeBitForBitOnLargeProducts() {
    if (!Kernels.vectorModulePresent()) return;
    SplittableRandom r = new SplittableRandom(11);
    int m = 64, n = 200, k = 784;
    float[] a = random(r, m * k);
    float[] b = random(r, k * n);
    float[] bias = random(r, n);
    float[] cs = new float[m * n];
    float[] cv = new float[m * n];
    Kernels.scalar().gemm(m, n, k, a, 0, k, 1, b, 0, n, cs, 0, n, GemmInit.COLUMN_BIAS, bias, 0, 1);
    Kernels.vector().gemm(m, n, k, a, 0, k, 1, b, 0, n, cv, 0, n, GemmInit.COLUMN_BIAS, bias, 0, 2);
    assertArrayEquals(cs, cv);
  }

  @Test
  void columnAndRowSumsAddInFixedOrder() {
    float[] x = {1e8f, 1f, -1e8f, 1f, 2f, 3f};
    for (Kernel kernel : kernels()) {
      float[] cols = new float[2];
      kernel.columnSums(3, 2, x, 0, 2, cols, 0, false);
      assertArrayEquals(new float[] {(1e8f + -1e8f) + 2f, (1f + 1f) + 3f}, cols);
      float[] rows = {10f, 0f, 0f};
      kernel.rowSums(3, 2, x, 0, 2, rows, 0, true);
      assertArrayEquals(new float[] {10f + 1e8f + 1f, 0f + -1e8f + 1f, 0f + 2f + 3f}, rows);
    }
  }

  @Test
  void transposeSwapsIndices() {
    float[] src = {1, 2, 3, 4, 5, 6};
    float[] dst = new float[6];
    Kernels.scalar().transpose(2, 3, src, 0, dst, 0);
    assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, dst);
  }

  @Test
  void gemmRejectsOutOfRangeOperandsNamingThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        Kernels.get().gemm(2, 2, 2, new float[3], 0, 2, 1, new float[4], 0, 2, new float[4], 0, 2,
            GemmInit.ZERO, null, 0, 1));
    assertTrue(e.getMessage().contains("gemm a"), e.getMessage());
  }

  @Test
  void selectionFollowsModuleAndVersionUnlessOverridden() {
    String forced = System.getProperty(Kernels.PROPERTY);
    if (forced != null) return;
    boolean vector = Kernels.get().name().startsWith("vector");
    assertEquals(Kernels.vectorPreferred(), vector, "selected " + Kernels.get());
  }
  /** The pooling rule written out: first maximum in window order, a NaN beats any number. */
  private static void referencePool(int planes, int h, int w, float[] x, int xOff, float[] y, int[] arg) {
    int oh = h / 2;
    int ow = w / 2;
    for (int pl = 0; pl < planes; pl++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          int best = -1;
          float bv = 0f;
          for (int ky = 0; ky < 2; ky++) {
            for (int kx = 0; kx < 2; kx++) {
              int i = xOff + pl * h * w + (2 * oy + ky) * w + 2 * ox + kx;
              if (best < 0 || x[i] > bv || (Float.isNaN(x[i]) && !Float.isNaN(bv))) {
                best = i;
                bv = x[i];
              }
            }
          }
          y[(pl * oh + oy) * ow + ox] = bv;
          arg[(pl * oh + oy) * ow + ox] = best;
        }
      }
    }
  }

  @Test
  void maxPool2x2KeepsTheFirstMaximumAndNaNs() {
    SplittableRandom r = new SplittableRandom(17);
    int[][] shapes = {{1, 2, 2}, {3, 4, 6}, {6, 28, 28}, {16, 10, 10}, {5, 7, 9}, {2, 32, 32}};
    for (int[] sh : shapes) {
      int planes = sh[0], h = sh[1], w = sh[2];
      int xOff = 3;
      float[] x = new float[xOff + planes * h * w];
      for (int i = 0; i < x.length; i++) {
        int kind = r.nextInt(10);
        // few distinct values so that ties are common; some NaNs, signed zeros, infinities
        x[i] = kind == 0 ? Float.NaN : kind == 1 ? -0f : kind == 2 ? 0f : kind == 3 ? Float.NEGATIVE_INFINITY
            : r.nextInt(4) - 1.5f;
      }
      int outs = planes * (h / 2) * (w / 2);
      float[] want = new float[outs];
      int[] wantArg = new int[outs];
      referencePool(planes, h, w, x, xOff, want, wantArg);
      for (Kernel kernel : kernels()) {
        float[] y = new float[outs + 2];
        int[] arg = new int[outs + 2];
        kernel.maxPool2x2(planes, h, w, x, xOff, y, 2, arg);
        String what = kernel + " " + planes + "x" + h + "x" + w;
        for (int o = 0; o < outs; o++) {
          assertEquals(Float.floatToRawIntBits(want[o]), Float.floatToRawIntBits(y[o + 2]), what + " y[" + o + "]");
          assertEquals(wantArg[o], arg[o + 2], what + " argmax[" + o + "]");
        }
      }
    }
  }
}
