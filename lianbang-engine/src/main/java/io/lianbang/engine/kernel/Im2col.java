package io.lianbang.engine.kernel;

/**
 * Lowering of a stride-1 2-D convolution to matrix multiplication (im2col), for one image in
 * CHW layout. With {@code P = C·KH·KW} patch values and {@code Q = OH·OW} output pixels:
 * <ul>
 *   <li>{@link #im2col} writes the {@code P×Q} matrix whose column {@code q} is the (zero-padded)
 *       patch under output pixel {@code q}; the convolution is then {@code W[F×P] · col};</li>
 *   <li>{@link #im2row} writes its transpose ({@code Q×P}), used for the weight gradient
 *       {@code dW = dY[F×Q] · row};</li>
 *   <li>{@link #col2im} adds a {@code P×Q} gradient back onto the image, in a fixed order.</li>
 * </ul>
 * Row {@code p} of the patch matrix is {@code p = (c·KH + ky)·KW + kx}, matching the
 * {@code [F, C, KH, KW]} layout of convolution weights.
 */
public final class Im2col {
  private Im2col() {}

  /** Output height (or width) of a stride-1 convolution. */
  public static int outSize(int in, int kernel, int pad) {
    return in + 2 * pad - kernel + 1;
  }

  /** Writes the {@code P×Q} patch matrix of image {@code x[xOff..]} ({@code c×h×w}) into {@code col[colOff..]}. */
  public static void im2col(float[] x, int xOff, int c, int h, int w, int kh, int kw, int pad,
                            float[] col, int colOff) {
    int oh = outSize(h, kh, pad);
    int ow = outSize(w, kw, pad);
    int q = oh * ow;
    int row = colOff;
    for (int ch = 0; ch < c; ch++) {
      int plane = xOff + ch * h * w;
      for (int ky = 0; ky < kh; ky++) {
        for (int kx = 0; kx < kw; kx++) {
          int dst = row;
          for (int oy = 0; oy < oh; oy++) {
            int iy = oy + ky - pad;
            int o = dst + oy * ow;
            if (iy < 0 || iy >= h) {
              java.util.Arrays.fill(col, o, o + ow, 0f);
              continue;
            }
            int src = plane + iy * w;
            int lo = Math.max(0, pad - kx);
            int hi = Math.min(ow, w + pad - kx);
            for (int ox = 0; ox < lo; ox++) col[o + ox] = 0f;
            if (hi > lo) System.arraycopy(x, src + lo + kx - pad, col, o + lo, hi - lo);
            for (int ox = Math.max(lo, hi); ox < ow; ox++) col[o + ox] = 0f;
          }
          row += q;
        }
      }
    }
  }

  /** Writes the {@code Q×P} transpose of the patch matrix into {@code rows[rowsOff..]}. */
  public static void im2row(float[] x, int xOff, int c, int h, int w, int kh, int kw, int pad,
                            float[] rows, int rowsOff) {
    int oh = outSize(h, kh, pad);
    int ow = outSize(w, kw, pad);
    int p = c * kh * kw;
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++) {
        int dst = rowsOff + (oy * ow + ox) * p;
        for (int ch = 0; ch < c; ch++) {
          int plane = xOff + ch * h * w;
          for (int ky = 0; ky < kh; ky++) {
            int iy = oy + ky - pad;
            boolean rowInside = iy >= 0 && iy < h;
            for (int kx = 0; kx < kw; kx++) {
              int ix = ox + kx - pad;
              rows[dst++] = rowInside && ix >= 0 && ix < w ? x[plane + iy * w + ix] : 0f;
            }
          }
        }
      }
    }
  }

  /**
   * Adds the {@code P×Q} patch-gradient matrix {@code col} onto the image gradient
   * {@code dx[dxOff..]} ({@code c×h×w}), visiting patch rows and pixels in ascending order.
   */
  public static void col2im(float[] col, int colOff, int c, int h, int w, int kh, int kw, int pad,
                            float[] dx, int dxOff) {
    int oh = outSize(h, kh, pad);
    int ow = outSize(w, kw, pad);
    int q = oh * ow;
    int row = colOff;
    for (int ch = 0; ch < c; ch++) {
      int plane = dxOff + ch * h * w;
      for (int ky = 0; ky < kh; ky++) {
        for (int kx = 0; kx < kw; kx++) {
          for (int oy = 0; oy < oh; oy++) {
            int iy = oy + ky - pad;
            if (iy < 0 || iy >= h) continue;
            int src = row + oy * ow;
            int dst = plane + iy * w + kx - pad;
            int lo = Math.max(0, pad - kx);
            int hi = Math.min(ow, w + pad - kx);
            for (int ox = lo; ox < hi; ox++) dx[dst + ox] += col[src + ox];
          }
          row += q;
        }
      }
    }
  }
}
