package io.lianbang.engine.kernel;

/**
 * Argument checks and the split of a GEMM into per-thread tiles, shared by both implementations.
 * Tiles are rectangles of the output, so no reduction is ever split between threads.
 */
abstract class AbstractKernel implements Kernel {
  /**
   * Below this many multiply-adds a GEMM runs on the calling thread only (system property
   * {@code lianbang.intraop.minGemmWork}). Handing a few microseconds of work to another thread
   * costs more than it saves, and much more when the machine is oversubscribed.
   */
  private static final long PARALLEL_MIN_WORK = Long.getLong("lianbang.intraop.minGemmWork", 2_000_000L);
  /**
   * From this many multiply-adds up to {@link #PARALLEL_MIN_WORK}, a GEMM asked to use two or
   * more threads is split in two, the second half going to {@link Duo}'s single worker (system
   * property {@code lianbang.intraop.minDuoWork}). Off (0) by default: on the 2-core test
   * machines a lone 10×200×784 product ran up to 1.4× faster split this way, but whole
   * batch-10 MLP training ran 15–30% slower with it, even with nothing else running.
   * Not final so that tests can switch it on.
   */
  static long duoMinWork = Long.getLong("lianbang.intraop.minDuoWork", 0L);
  private static final int ROW_UNIT = 4;

  /** Preferred tile width in columns (a multiple of the vector length). */
  abstract int columnPanel();

  /** Smallest efficient tile width in columns (one vector). */
  abstract int columnUnit();

  /** Computes output rows {@code [m0, m1)} and columns {@code [n0, n1)} of {@code g}. */
  abstract void tile(Gemm g, int m0, int m1, int n0, int n1);

  /** A rectangle of output rows {@code [m0, m1)} and columns {@code [n0, n1)}. */
  @FunctionalInterface
  interface TileBody {
    void run(int m0, int m1, int n0, int n1);
  }

  /** Rows of {@code W} whose gradient {@link #gemmSgd} holds in scratch at a time. */
  static final int SGD_ROWS = 16;
  private static final ThreadLocal<float[][]> SGD_SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

  @Override
  public final void gemm(int m, int n, int k,
                         float[] a, int aOffset, int aRowStride, int aColStride,
                         float[] b, int bOffset, int ldb,
                         float[] c, int cOffset, int ldc,
                         GemmInit init, float[] bias, int biasOffset,
                         boolean relu, int threads) {
    if (!checkShape(m, n, k, threads)) return;
    if ((init == GemmInit.ROW_BIAS || init == GemmInit.COLUMN_BIAS) && bias == null) {
      throw new IllegalArgumentException("gemm init " + init + " needs a bias array");
    }
    checkOperands(m, n, k, a, aOffset, aRowStride, aColStride, b, bOffset, ldb, c, cOffset, ldc);
    Gemm g = new Gemm(k, a, aOffset, aRowStride, aColStride, b, bOffset, ldb, c, cOffset, ldc, init, bias, biasOffset);
    if (relu) {
      split(m, n, k, threads, (m0, m1, n0, n1) -> {
        tile(g, m0, m1, n0, n1);
        for (int i = m0; i < m1; i++) relu(c, cOffset + i * ldc + n0, n1 - n0);
      });
    } else {
      split(m, n, k, threads, (m0, m1, n0, n1) -> tile(g, m0, m1, n0, n1));
    }
  }

  @Override
  public final void gemmSgd(int m, int n, int k,
                            float[] a, int aOffset, int aRowStride, int aColStride,
                            float[] b, int bOffset, int ldb,
                            float[] w, int wOffset, int ldw, float lr,
                            int threads) {
    if (!checkShape(m, n, k, threads)) return;
    checkOperands(m, n, k, a, aOffset, aRowStride, aColStride, b, bOffset, ldb, w, wOffset, ldw);
    Gemm g = new Gemm(k, a, aOffset, aRowStride, aColStride, b, bOffset, ldb, w, wOffset, ldw,
        GemmInit.ZERO, null, 0);
    split(m, n, k, threads, (m0, m1, n0, n1) -> {
      int rows = fusedSgdRows(k, m1 - m0);
      int cols = rows == 0 ? 0 : (n1 - n0) / columnPanel() * columnPanel();
      if (cols > 0) {
        sgdInRegisters(g, m0, m0 + rows, n0, n0 + cols, lr);
        if (n0 + cols < n1) sgdViaScratch(g, m0, m0 + rows, n0 + cols, n1, lr);
        if (m0 + rows < m1) sgdViaScratch(g, m0 + rows, m1, n0, n1, lr);
      } else {
        sgdViaScratch(g, m0, m1, n0, n1, lr);
      }
    });
  }

  /**
   * How many of {@code rows} rows (from the first) {@link #sgdInRegisters} can update, for a
   * reduction of length {@code k}; 0 if it cannot. By default it never can.
   */
  int fusedSgdRows(int k, int rows) {
    return 0;
  }

  /**
   * {@code W -= lr·(A·B)} on rows {@code [m0, m1)} and columns {@code [n0, n1)} of {@code W}
   * ({@code g.c}), with the gradient held in registers; only called on the rectangles that
   * {@link #fusedSgdRows} and {@link #columnPanel} allow.
   */
  void sgdInRegisters(Gemm g, int m0, int m1, int n0, int n1, float lr) {
    throw new UnsupportedOperationException();
  }

  /** {@code W -= lr·(A·B)} on a rectangle of {@code W = g.c}, the gradient going through scratch. */
  private void sgdViaScratch(Gemm w, int m0, int m1, int n0, int n1, float lr) {
    int width = n1 - n0;
    float[][] holder = SGD_SCRATCH.get();
    if (holder[0].length < SGD_ROWS * width) holder[0] = new float[SGD_ROWS * width];
    float[] s = holder[0];
    for (int i0 = m0; i0 < m1; i0 += SGD_ROWS) {
      int rows = Math.min(SGD_ROWS, m1 - i0);
      Gemm g = new Gemm(w.k, w.a, w.aOffset + i0 * w.aRowStride, w.aRowStride, w.aColStride, w.b, w.bOffset + n0,
          w.ldb, s, 0, width, GemmInit.ZERO, null, 0);
      tile(g, 0, rows, 0, width);
      for (int r = 0; r < rows; r++) sgd(w.c, w.cOffset + (i0 + r) * w.ldc + n0, s, r * width, width, lr);
    }
  }


  /** {@code x[off + j] = x[off + j] > 0 ? x[off + j] : 0} for {@code j < len}. */
  void relu(float[] x, int off, int len) {
    for (int j = off; j < off + len; j++) {
      float v = x[j];
      x[j] = v > 0f ? v : 0f;
    }
  }

  /** {@code w[wo + j] -= lr * g[go + j]} for {@code j < len}. */
  void sgd(float[] w, int wo, float[] g, int go, int len, float lr) {
    for (int j = 0; j < len; j++) w[wo + j] -= lr * g[go + j];
  }

  private static boolean checkShape(int m, int n, int k, int threads) {
    if (m < 0 || n < 0 || k < 0) {
      throw new IllegalArgumentException("gemm sizes must not be negative, got m=" + m + " n=" + n + " k=" + k);
    }
    if (threads < 1) throw new IllegalArgumentException("gemm threads must be >= 1, got " + threads);
    return m != 0 && n != 0;
  }

  private static void checkOperands(int m, int n, int k, float[] a, int aOffset, int aRowStride, int aColStride,
                                    float[] b, int bOffset, int ldb, float[] c, int cOffset, int ldc) {
    checkRange("a", a, aOffset, (long) (m - 1) * aRowStride + (long) Math.max(0, k - 1) * aColStride, k > 0);
    checkRange("b", b, bOffset, (long) Math.max(0, k - 1) * ldb + n - 1, k > 0);
    checkRange("c", c, cOffset, (long) (m - 1) * ldc + n - 1, true);
  }

  /**
   * Runs {@code body} over rectangles covering the {@code m×n} output, on up to {@code threads}
   * threads. Rectangles never share an output element, and each covers the whole reduction.
   */
  final void split(int m, int n, int k, int threads, TileBody body) {
    long work = (long) m * n * Math.max(k, 1);
    if (threads == 1 || work < PARALLEL_MIN_WORK && (duoMinWork <= 0 || work < duoMinWork)) {
      body.run(0, m, 0, n);
      return;
    }
    if (work < PARALLEL_MIN_WORK) {
      splitInTwo(m, n, body);
      return;
    }
    int panel = columnPanel();
    int unit = columnUnit();
    // One part per thread: the caller claims part 0 first, so repeated products (the forward
    // product and the weight update touch the same columns of W) mostly keep their columns on
    // the same core. Twice as many parts, claimed dynamically, were more robust to a
    // descheduled thread but 7% slower on an idle machine (MLP batch 64, 2 threads).
    if (n >= threads * panel) {
      int parts = threads;
      IntraOp.invoke(parts, p -> {
        int n0 = roundedSplit(n, parts, p, panel);
        int n1 = roundedSplit(n, parts, p + 1, panel);
        if (n0 < n1) body.run(0, m, n0, n1);
      });
    } else if (m >= threads * ROW_UNIT) {
      int parts = threads;
      IntraOp.invoke(parts, p -> {
        int m0 = roundedSplit(m, parts, p, ROW_UNIT);
        int m1 = roundedSplit(m, parts, p + 1, ROW_UNIT);
        if (m0 < m1) body.run(m0, m1, 0, n);
      });
    } else if (n >= threads * unit) {
      int parts = threads;
      IntraOp.invoke(parts, p -> {
        int n0 = roundedSplit(n, parts, p, unit);
        int n1 = roundedSplit(n, parts, p + 1, unit);
        if (n0 < n1) body.run(0, m, n0, n1);
      });
    } else {
      int parts = Math.min(threads, m);
      IntraOp.invoke(parts, p -> {
        int m0 = IntraOp.splitPoint(m, parts, p);
        int m1 = IntraOp.splitPoint(m, parts, p + 1);
        if (m0 < m1) body.run(m0, m1, 0, n);
      });
    }
  }

  /**
   * Two halves of the output, the first on the calling thread and the second on {@link Duo}'s
   * worker: column halves rounded to whole panels or vectors when the output is wide enough,
   * else row halves.
   */
  private void splitInTwo(int m, int n, TileBody body) {
    int panel = columnPanel();
    int unit = columnUnit();
    int cut;
    if (n >= 2 * panel) {
      cut = roundedSplit(n, 2, 1, panel);
    } else if (m < 2 * ROW_UNIT && n >= 2 * unit) {
      cut = roundedSplit(n, 2, 1, unit);
    } else if (m >= 2) {
      int rows = m >= 2 * ROW_UNIT ? roundedSplit(m, 2, 1, ROW_UNIT) : m / 2;
      Duo.invoke(p -> {
        if (p == 0) body.run(0, rows, 0, n);
        else body.run(rows, m, 0, n);
      });
      return;
    } else {
      body.run(0, m, 0, n);
      return;
    }
    Duo.invoke(p -> {
      if (p == 0) body.run(0, m, 0, cut);
      else body.run(0, m, cut, n);
    });
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
