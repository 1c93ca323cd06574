package io.lianbang.engine.nn;

import java.util.SplittableRandom;

/**
 * Inverted dropout (Srivastava et al. 2014): in training each value is zeroed with probability
 * {@code p} and the survivors are scaled by {@code 1/(1-p)}; in evaluation it is the identity.
 * Masks come from the layer's own seeded generator, drawn on the calling thread in element
 * order, so they do not depend on the thread count.
 */
final class Dropout extends Layer {
  private final double p;
  private int width;
  private SplittableRandom rng;
  private float[] mask;
  private float[] y;
  private float[] dx;
  private boolean masked;

  Dropout(double p) {
    if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout p must be in [0, 1), got " + p);
    this.p = p;
  }

  @Override
  int[] build(int[] in, String prefix, Init init, SplittableRandom rng) {
    width = product(in);
    this.rng = rng;
    return in.clone();
  }

  /** The mask applied by the last training forward pass (scale or 0 per value). */
  float[] lastMask() {
    return mask;
  }

  @Override
  float[] forward(float[] x, int n, Exec exec) {
    masked = exec.training && p > 0;
    if (!masked) return x;
    int size = n * width;
    mask = ensure(mask, size);
    y = ensure(y, size);
    float scale = (float) (1.0 / (1.0 - p));
    for (int i = 0; i < size; i++) mask[i] = rng.nextDouble() < p ? 0f : scale;
    for (int i = 0; i < size; i++) y[i] = x[i] * mask[i];
    return y;
  }

  @Override
  float[] backward(float[] dy, int n, boolean needInputGrad, Exec exec) {
    if (!needInputGrad) return null;
    if (!masked) return dy;
    int size = n * width;
    dx = ensure(dx, size);
    for (int i = 0; i < size; i++) dx[i] = dy[i] * mask[i];
    return dx;
  }

  @Override
  public String toString() {
    return "Dropout(" + p + ")";
  }
}
