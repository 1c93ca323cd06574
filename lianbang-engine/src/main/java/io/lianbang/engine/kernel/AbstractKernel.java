package io.lianbang.engine.kernel;

/**
 * Argument checks and the split of a GEMM into per-thread tiles, shared by both implementations.
 * Tiles are rectangles of the output, so no reduction is ever split between threads.
 */
abstract class AbstractKernel implements Kernel {
  /** Below this many multiply-adds a GEMM runs on the calling thread only. */
  private static final long PARALLEL_MIN_WORK = 32_768;
  private static final int ROW_UNIT = 4;

  /** Preferred tile width in columns (a multiple of the vector length). */
  abstract int columnPanel();

  /** Smallest efficient tile width in columns (one vector). */
  abstract int columnUnit();

  /** Computes output rows {@code [m0, m1)} and columns {@code [n0, n1)} of {@code g}. */
  abstract void tile(Gemm g, int m0, int m1, int n0, int n1);

  @Override
  public final void gemm(int m, int n, int k,
                         float[] a, int aOffset, int aRowStride, int aColStride,
                         float[] b, int bOffset, int ldb,
                         float[] c, int cOffset, int ldc,
                         GemmInit init, float[] bias, int biasOffset,
                         int threads) {
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException("gemm sizes must not be negative, got m=" + m + " n=" + n + " k=" + k);
    }
    if (threads < 1) throw new IllegalArgumentException("gemm threads must be >= 1, got " + threads);
    if (m == 0 || n == 0) return;
    if ((init == GemmInit.ROW_BIAS || init == GemmInit.COLUMN_BIAS) && bias == null) {
      throw new IllegalArgumentException("gemm init " + init + " needs a bias array");
    }
    checkRange("a", a, aOffset, (long) (m - 1) * aRowStride + (long) Math.max(0, k - 1) * aColStride, k > 0);
    checkRange("b", b, bOffset, (long) Math.max(0, k - 1) * ldb + n - 1, k > 0);
    checkRange("c", c, cOffset, (long) (m - 1) * ldc + n - 1, true);
    Gemm g = new Gemm(k, a, aOffset, aRowStride, aColStride, b, bOffset, ldb, c, cOffset, ldc, init, bias, biasOffset);
    if (threads == 1 || (long) m * n * Math.max(k, 1) < PARALLEL_MIN_WORK) {
      tile(g, 0, m, 0, n);
      return;
    }
    int panel = columnPanel();
    int unit = columnUnit();
    if (n >= threads * panel) {
      int parts = threads;
      IntraOp.invoke(parts, p -> {
        int n0 = roundedSplit(n, parts, p, panel);
        int n1 = roundedSplit(n, parts, p + 1, panel);
        if (n0 < n1) tile(g, 0, m, n0, n1);
      });
    } else if (m >= threads * ROW_UNIT) {
      int parts = threads;
      IntraOp.invoke(parts, p -> {
        int m0 = roundedSplit(m, parts, p, ROW_UNIT);
        int m1 = roundedSplit(m, parts, p + 1, ROW_UNIT);
        if (m0 < m1) tile(g, m0, m1, 0, n);
      });
    } else if (n >= threads * unit) {
      int parts = threads;
      IntraOp.invoke(parts, p -> {
        int n0 = roundedSplit(n, parts, p, unit);
        int n1 = roundedSplit(n, parts, p + 1, unit);
        if (n0 < n1) tile(g, 0, m, n0, n1);
      });
    } else {
      int parts = Math.min(threads, m);
      IntraOp.invoke(parts, p -> {
        int m0 = IntraOp.splitPoint(m, parts, p);
        int m1 = IntraOp.splitPoint(m, parts, p + 1);
        if (m0 < m1) tile(g, m0, m1, 0, n);
      });
    }
  }

  /** Split point {@code part} of {@code n} into {@code parts}, rounded to a multiple of {@code unit}. */
  static int roundedSplit(int n, int parts, int part, int unit) {
    if (part >= parts) return n;
    long exact = (long) n * part / parts;
    long rounded = (exact + unit / 2) / unit * unit;
    return (int) Math.min(n, rounded);
  }

  private static void checkRange(String name, float[] x, int offset, long lastRelative, boolean used) {
    if (!used) return;
    if (x == null) throw new IllegalArgumentException("gemm " + name + " must not be null");
    if (offset < 0 || lastRelative < 0 || offset + lastRelative >= x.length) {
      throw new IllegalArgumentException("gemm " + name + ": last index " + (offset + lastRelative)
          + " is outside the array of length " + x.length);
    }
  }

  @Override
  public void columnSums(int m, int n, float[] x, int xOffset, int ldx, float[] out, int outOffset, boolean accumulate) {
    if (!accumulate) java.util.Arrays.fill(out, outOffset, outOffset + n, 0f);
    for (int i = 0; i < m; i++) {
      int row = xOffset + i * ldx;
      for (int j = 0; j < n; j++) out[outOffset + j] += x[row + j];
    }
  }

  @Override
  public String toString() {
    return name();
  }
}
