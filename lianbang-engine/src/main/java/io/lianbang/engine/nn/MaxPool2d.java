package io.lianbang.engine.nn;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * 2-D max pooling over NCHW input with a square window and stride (no padding, floor mode, as
 * PyTorch's default). The gradient goes to the first maximum of each window.
 */
final class MaxPool2d extends Layer {
  private final int k;
  private final int stride;
  private int c;
  private int h;
  private int w;
  private int oh;
  private int ow;
  private int[] argmax;
  private float[] y;
  private float[] dx;

  MaxPool2d(int k, int stride) {
    if (k < 1) throw new IllegalArgumentException("maxpool kernel must be >= 1, got " + k);
    if (stride < 1) throw new IllegalArgumentException("maxpool stride must be >= 1, got " + stride);
    this.k = k;
    this.stride = stride;
  }

  @Override
  int[] build(int[] in, String prefix, Init init, SplittableRandom rng) {
    if (in.length != 3) {
      throw new IllegalArgumentException("maxpool input must be [C, H, W], got " + Arrays.toString(in));
    }
    c = in[0];
    h = in[1];
    w = in[2];
    oh = (h - k) / stride + 1;
    ow = (w - k) / stride + 1;
    if (oh < 1 || ow < 1) {
      throw new IllegalArgumentException("maxpool kernel " + k + " is larger than the input " + Arrays.toString(in));
    }
    return new int[] {c, oh, ow};
  }

  @Override
  float[] forward(float[] x, int n, Exec exec) {
    int outSize = c * oh * ow;
    y = ensure(y, n * outSize);
    if (argmax == null || argmax.length < n * outSize) argmax = new int[n * outSize];
    exec.parallel(n * c, (long) n * c * h * w, (part, from, to) -> {
      if (k == 2 && stride == 2) {
        exec.kernel.maxPool2x2(to - from, h, w, x, from * h * w, y, from * oh * ow, argmax);
        return;
      }
      for (int plane = from; plane < to; plane++) {
        int in0 = plane * h * w;
        int out0 = plane * oh * ow;
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            int best = in0 + oy * stride * w + ox * stride;
            float bv = x[best];
            for (int ky = 0; ky < k; ky++) {
              int row = in0 + (oy * stride + ky) * w + ox * stride;
              for (int kx = 0; kx < k; kx++) {
                float v = x[row + kx];
                if (v > bv || (v != v && bv == bv)) {
                  bv = v;
                  best = row + kx;
                }
              }
            }
            y[out0 + oy * ow + ox] = bv;
            argmax[out0 + oy * ow + ox] = best;
          }
        }
      }
    });
    return y;
  }

  @Override
  float[] backward(float[] dy, int n, boolean needInputGrad, Exec exec) {
    if (!needInputGrad) return null;
    int inSize = c * h * w;
    dx = ensure(dx, n * inSize);
    exec.parallel(n * c, (long) n * inSize, (part, from, to) -> {
      Arrays.fill(dx, from * h * w, to * h * w, 0f);
      for (int o = from * oh * ow; o < to * oh * ow; o++) dx[argmax[o]] += dy[o];
    });
    return dx;
  }

  @Override
  public String toString() {
    return "MaxPool2d(" + k + (stride != k ? ", stride " + stride : "") + ")";
  }
}
