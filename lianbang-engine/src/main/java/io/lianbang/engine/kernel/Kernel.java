package io.lianbang.engine.kernel;

/**
 * The numeric kernels of the training engine. Obtain an instance from {@link Kernels}.
 *
 * <p>All matrices are float arrays with an offset and explicit strides. Every output element is
 * computed as {@code acc = init; for (p = 0; p < k; p++) acc = fma(A(i,p), B(p,j), acc)}, so the
 * result does not depend on the implementation, on the number of threads, or on JIT state.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public interface Kernel {

  /** A short name for logs, e.g. {@code "vector(512-bit)"} or {@code "scalar"}. */
  String name();

  /**
   * General matrix multiplication {@code C = init + A·B} with {@code A} of {@code m×k},
   * {@code B} of {@code k×n} and {@code C} of {@code m×n}.
   *
   * <p>{@code A(i,p)} is {@code a[aOffset + i*aRowStride + p*aColStride]}, so both {@code A} and
   * its transpose can be read in place. {@code B} and {@code C} are row-major with leading
   * dimensions {@code ldb} and {@code ldc}. {@code bias} is read only for
   * {@link GemmInit#ROW_BIAS} and {@link GemmInit#COLUMN_BIAS}.
   *
   * @param threads intra-op threads to use (at least 1); any value gives the same bits
   */
  default void gemm(int m, int n, int k,
                    float[] a, int aOffset, int aRowStride, int aColStride,
                    float[] b, int bOffset, int ldb,
                    float[] c, int cOffset, int ldc,
                    GemmInit init, float[] bias, int biasOffset,
                    int threads) {
    gemm(m, n, k, a, aOffset, aRowStride, aColStride, b, bOffset, ldb, c, cOffset, ldc,
        init, bias, biasOffset, false, threads);
  }

  /**
   * As {@link #gemm(int, int, int, float[], int, int, int, float[], int, int, float[], int, int,
   * GemmInit, float[], int, int) gemm}, and if {@code relu} each output element {@code v} is then
   * replaced by {@code v > 0 ? v : 0} (a fused ReLU: NaN and {@code -0} become {@code +0}).
   */
  void gemm(int m, int n, int k,
            float[] a, int aOffset, int aRowStride, int aColStride,
            float[] b, int bOffset, int ldb,
            float[] c, int cOffset, int ldc,
            GemmInit init, float[] bias, int biasOffset,
            boolean relu, int threads);

  /**
   * Plain SGD step fused into a weight-gradient product: for every element of the row-major
   * {@code m×n} matrix {@code W} (leading dimension {@code ldw}), {@code g = (A·B)(i,j)} is
   * computed exactly as {@link GemmInit#ZERO} {@code gemm} would, and then
   * {@code W(i,j) = W(i,j) - lr*g} (a float multiply, then a subtraction, as
   * {@code w -= lr * g} in Java). The gradient is produced tile by tile in a small scratch
   * buffer and never stored whole. {@code A} and {@code B} are addressed as in {@code gemm}.
   *
   * @param threads intra-op threads to use (at least 1); any value gives the same bits
   */
  void gemmSgd(int m, int n, int k,
               float[] a, int aOffset, int aRowStride, int aColStride,
               float[] b, int bOffset, int ldb,
               float[] w, int wOffset, int ldw, float lr,
               int threads);

  /**
   * Column sums of the row-major {@code m×n} matrix {@code x}: {@code out[j] = x[0][j] + x[1][j]
   * + ...} added in row order, starting from zero or, if {@code accumulate}, from {@code out[j]}.
   */
  void columnSums(int m, int n, float[] x, int xOffset, int ldx, float[] out, int outOffset, boolean accumulate);

  /**
   * Row sums of the row-major {@code m×n} matrix {@code x}, each added left to right in one
   * chain: {@code out[i] (+)= x[i][0] + x[i][1] + ...}.
   */
  default void rowSums(int m, int n, float[] x, int xOffset, int ldx, float[] out, int outOffset, boolean accumulate) {
    for (int i = 0; i < m; i++) {
      float s = accumulate ? out[outOffset + i] : 0f;
      int row = xOffset + i * ldx;
      for (int j = 0; j < n; j++) s += x[row + j];
      out[outOffset + i] = s;
    }
  }

  /**
   * The gradient through a ReLU: {@code dx[i] = y[i] > 0 ? dy[i] : 0} for {@code i < len}, where
   * {@code y} is the ReLU's output.
   */
  default void reluGrad(int len, float[] y, float[] dy, float[] dx) {
    for (int i = 0; i < len; i++) dx[i] = y[i] > 0f ? dy[i] : 0f;
  }

  /** Writes the transpose of the row-major {@code m×n} matrix {@code src} to {@code dst} ({@code n×m}). */
  default void transpose(int m, int n, float[] src, int srcOffset, float[] dst, int dstOffset) {
    final int t = 32;
    for (int i0 = 0; i0 < m; i0 += t) {
      int i1 = Math.min(m, i0 + t);
      for (int j0 = 0; j0 < n; j0 += t) {
        int j1 = Math.min(n, j0 + t);
        for (int i = i0; i < i1; i++) {
          int s = srcOffset + i * n;
          for (int j = j0; j < j1; j++) dst[dstOffset + j * m + i] = src[s + j];
        }
      }
    }
  }
  /**
   * 2×2 max pooling with stride 2 over {@code planes} consecutive row-major {@code h×w} planes of
   * {@code x} (from {@code xOffset}), writing {@code ⌊h/2⌋×⌊w/2⌋}
   * planes to {@code y} (from {@code yOffset}) and, for each output, the index into {@code x} of
   * the window's first maximum to {@code argmax} (same index as in {@code y}). The window is
   * visited top-left, top-right, bottom-left, bottom-right; a value replaces the current maximum
   * if it is larger, or if it is NaN and the current maximum is not.
   */
  default void maxPool2x2(int planes, int h, int w, float[] x, int xOffset, float[] y, int yOffset, int[] argmax) {
    int oh = h / 2;
    int ow = w / 2;
    for (int plane = 0; plane < planes; plane++) {
      int in0 = xOffset + plane * h * w;
      int out0 = yOffset + plane * oh * ow;
      for (int oy = 0; oy < oh; oy++) {
        int r0 = in0 + 2 * oy * w;
        int o = out0 + oy * ow;
        for (int ox = 0; ox < ow; ox++) {
          int best = r0 + 2 * ox;
          float bv = x[best];
          int i1 = best + 1;
          int i2 = best + w;
          int i3 = i2 + 1;
          if (x[i1] > bv || (x[i1] != x[i1] && bv == bv)) { bv = x[i1]; best = i1; }
          if (x[i2] > bv || (x[i2] != x[i2] && bv == bv)) { bv = x[i2]; best = i2; }
          if (x[i3] > bv || (x[i3] != x[i3] && bv == bv)) { bv = x[i3]; best = i3; }
          y[o + ox] = bv;
          argmax[o + ox] = best;
        }
      }
    }
  }
}
