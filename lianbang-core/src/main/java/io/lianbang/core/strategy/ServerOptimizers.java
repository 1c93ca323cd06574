package io.lianbang.core.strategy;

import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;

/** Hyper-parameter checks shared by the strategies, with messages naming parameter, value and range. */
final class ServerOptimizers {
  private ServerOptimizers() {}

  static void positive(String name, double v) {
    if (!(v > 0) || !Double.isFinite(v)) throw new IllegalArgumentException(name + " must be > 0, got " + v);
  }

  static void nonNegative(String name, double v) {
    if (!(v >= 0) || !Double.isFinite(v)) throw new IllegalArgumentException(name + " must be >= 0, got " + v);
  }

  static void halfOpenUnit(String name, double v) {
    if (!(v >= 0 && v < 1)) throw new IllegalArgumentException(name + " must be in [0, 1), got " + v);
  }

  /** A flat state vector as one-tensor parameters. */
  static Parameters vector(float[] v) {
    return Parameters.of(Tensor.vector(v));
  }
}
