package io.lianbang.engine.kernel;

/**
 * Portable kernels in plain Java, used when the Vector API is unavailable or slow (JDK 17).
 *
 * <p>Rows are processed four at a time with their partial sums in separate scratch arrays, and
 * each needed slice of {@code B} is first copied to a scratch row: C2 (JDK 17) auto-vectorises
 * {@code r[j] = fma(x, y[j], r[j])} only when all arrays are indexed from zero. Each element
 * still follows the single in-order {@code Math.fma} chain the {@link Kernel} contract prescribes.
 */
final class ScalarKernel extends AbstractKernel {
  private static final int PANEL = 256;
  private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[5][PANEL]);

  @Override
  public String name() {
    return "scalar";
  }

  @Override
  int columnPanel() {
    return 64;
  }

  @Override
  int columnUnit() {
    return 16;
  }

  @Override
  void tile(Gemm g, int m0, int m1, int n0, int n1) {
    float[][] s = SCRATCH.get();
    for (int j0 = n0; j0 < n1; j0 += PANEL) {
      int w = Math.min(PANEL, n1 - j0);
      int i = m0;
      for (; i + 4 <= m1; i += 4) rows4(g, i, j0, w, s[0], s[1], s[2], s[3], s[4]);
      for (; i < m1; i++) row1(g, i, j0, w, s[0], s[4]);
    }
  }

  private static void rows4(Gemm g, int i, int j0, int w, float[] r0, float[] r1, float[] r2, float[] r3,
                            float[] y) {
    for (int j = 0; j < w; j++) {
      r0[j] = g.start(i, j0 + j);
      r1[j] = g.start(i + 1, j0 + j);
      r2[j] = g.start(i + 2, j0 + j);
      r3[j] = g.start(i + 3, j0 + j);
    }
    final float[] a = g.a;
    final float[] b = g.b;
    final int acs = g.aColStride;
    final int a0 = g.aOffset + i * g.aRowStride;
    final int a1 = a0 + g.aRowStride;
    final int a2 = a1 + g.aRowStride;
    final int a3 = a2 + g.aRowStride;
    for (int p = 0; p < g.k; p++) {
      float x0 = a[a0 + p * acs];
      float x1 = a[a1 + p * acs];
      float x2 = a[a2 + p * acs];
      float x3 = a[a3 + p * acs];
      System.arraycopy(b, g.bOffset + p * g.ldb + j0, y, 0, w);
      for (int j = 0; j < w; j++) {
        r0[j] = Math.fma(x0, y[j], r0[j]);
        r1[j] = Math.fma(x1, y[j], r1[j]);
        r2[j] = Math.fma(x2, y[j], r2[j]);
        r3[j] = Math.fma(x3, y[j], r3[j]);
      }
    }
    int c0 = g.cOffset + i * g.ldc + j0;
    System.arraycopy(r0, 0, g.c, c0, w);
    System.arraycopy(r1, 0, g.c, c0 + g.ldc, w);
    System.arraycopy(r2, 0, g.c, c0 + 2 * g.ldc, w);
    System.arraycopy(r3, 0, g.c, c0 + 3 * g.ldc, w);
  }

  private static void row1(Gemm g, int i, int j0, int w, float[] r0, float[] y) {
    for (int j = 0; j < w; j++) r0[j] = g.start(i, j0 + j);
    final float[] a = g.a;
    final float[] b = g.b;
    final int a0 = g.aOffset + i * g.aRowStride;
    for (int p = 0; p < g.k; p++) {
      float x0 = a[a0 + p * g.aColStride];
      System.arraycopy(b, g.bOffset + p * g.ldb + j0, y, 0, w);
      for (int j = 0; j < w; j++) r0[j] = Math.fma(x0, y[j], r0[j]);
    }
    System.arraycopy(r0, 0, g.c, g.cOffset + i * g.ldc + j0, w);
  }
}
