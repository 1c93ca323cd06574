package io.lianbang.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Im2colTest {
  @Test
  void patchMatrixRowsAndPaddingMatchDirectIndexing() {
    int c = 2, h = 5, w = 4, kh = 3, kw = 2, pad = 1;
    SplittableRandom r = new SplittableRandom(3);
    float[] x = new float[c * h * w];
    for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
    int oh = Im2col.outSize(h, kh, pad), ow = Im2col.outSize(w, kw, pad);
    assertEquals(5, oh);
    assertEquals(5, ow);
    int p = c * kh * kw, q = oh * ow;
    float[] col = new float[p * q];
    float[] rows = new float[p * q];
    Im2col.im2col(x, 0, c, h, w, kh, kw, pad, col, 0);
    Im2col.im2row(x, 0, c, h, w, kh, kw, pad, rows, 0);
    for (int ch = 0; ch < c; ch++) {
      for (int ky = 0; ky < kh; ky++) {
        for (int kx = 0; kx < kw; kx++) {
          int row = (ch * kh + ky) * kw + kx;
          for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
              int iy = oy + ky - pad, ix = ox + kx - pad;
              float want = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[(ch * h + iy) * w + ix] : 0f;
              assertEquals(want, col[row * q + oy * ow + ox]);
              assertEquals(want, rows[(oy * ow + ox) * p + row]);
            }
          }
        }
      }
    }
    // col2im is the adjoint of im2col: <im2col(x), g> == <x, col2im(g)>
    float[] g = new float[p * q];
    for (int i = 0; i < g.length; i++) g[i] = (float) r.nextDouble();
    float[] dx = new float[x.length];
    Im2col.col2im(g, 0, c, h, w, kh, kw, pad, dx, 0);
    double lhs = 0, rhs = 0;
    for (int i = 0; i < g.length; i++) lhs += (double) col[i] * g[i];
    for (int i = 0; i < x.length; i++) rhs += (double) x[i] * dx[i];
    assertEquals(lhs, rhs, 1e-5 * Math.abs(lhs));
  }

  @Test
  void noPaddingKeepsInteriorOnly() {
    float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    float[] col = new float[4 * 4];
    Im2col.im2col(x, 0, 1, 3, 3, 2, 2, 0, col, 0);
    assertArrayEquals(new float[] {1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9}, col);
  }
}
