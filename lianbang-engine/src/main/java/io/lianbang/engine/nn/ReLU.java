package io.lianbang.engine.nn;

import java.util.SplittableRandom;

/** Rectified linear unit {@code max(x, 0)}; the gradient at 0 is taken as 0 (as in PyTorch). */
final class ReLU extends Layer {
  private int width;
  private float[] y;
  private float[] dx;
  /** The preceding dense layer applies this ReLU (and its gradient); this layer passes data through. */
  boolean fused;

  @Override
  int[] build(int[] in, String prefix, Init init, SplittableRandom rng) {
    width = product(in);
    return in.clone();
  }

  @Override
  float[] forward(float[] x, int n, Exec exec) {
    if (fused) return x;
    int size = n * width;
    y = ensure(y, size);
    for (int i = 0; i < size; i++) {
      float v = x[i];
      y[i] = v > 0f ? v : 0f;
    }
    return y;
  }

  @Override
  float[] backward(float[] dy, int n, boolean needInputGrad, Exec exec) {
    if (!needInputGrad) return null;
    if (fused) return dy;
    int size = n * width;
    dx = ensure(dx, size);
    exec.kernel.reluGrad(size, y, dy, dx);
    return dx;
  }

  @Override
  public String toString() {
    return "ReLU";
  }
}
