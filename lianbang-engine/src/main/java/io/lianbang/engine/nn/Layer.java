package io.lianbang.engine.nn;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A layer of a {@link Sequential} network. Instances come from the factory methods of
 * {@link Layers}; a layer belongs to one network.
 *
 * <p>Lifecycle: {@code build} once with the input shape; then, per batch, {@code forward} followed
 * (in training) by {@code backward} with the gradient of the loss with respect to the output.
 * {@code forward} may keep a reference to its input until the matching {@code backward}; the arrays
 * a layer returns are its own buffers, valid until its next call.
 */
public abstract class Layer {
  Layer() {}

  /** Allocates parameters for inputs of shape {@code in} (per example), initialises them, and returns the output shape. */
  abstract int[] build(int[] in, String prefix, Init init, SplittableRandom rng);

  /** Output for a batch of {@code n} examples. */
  abstract float[] forward(float[] x, int n, Exec exec);

  /**
   * Fills the parameter gradients from {@code dy} and, if {@code needInputGrad}, returns the
   * gradient with respect to the input (else null).
   */
  abstract float[] backward(float[] dy, int n, boolean needInputGrad, Exec exec);

  /** Trainable parameters, in a fixed order. */
  List<Param> params() {
    return List.of();
  }

  /** A short description, e.g. {@code Dense(784→200)}. */
  @Override
  public abstract String toString();

  static float[] ensure(float[] buf, int size) {
    return buf != null && buf.length >= size ? buf : new float[size];
  }

  static int product(int[] shape) {
    int n = 1;
    for (int d : shape) n *= d;
    return n;
  }
}
