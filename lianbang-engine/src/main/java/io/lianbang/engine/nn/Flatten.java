package io.lianbang.engine.nn;

import java.util.SplittableRandom;

/** Reshapes each example to one dimension; the data (row-major, NCHW) is passed through unchanged. */
final class Flatten extends Layer {
  @Override
  int[] build(int[] in, String prefix, Init init, SplittableRandom rng) {
    return new int[] {product(in)};
  }

  @Override
  float[] forward(float[] x, int n, Exec exec) {
    return x;
  }

  @Override
  float[] backward(float[] dy, int n, boolean needInputGrad, Exec exec) {
    return needInputGrad ? dy : null;
  }

  @Override
  public String toString() {
    return "Flatten";
  }
}
