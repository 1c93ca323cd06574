package io.lianbang.core.strategy;

import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;

/** Helpers shared by the stateful strategies. */
final class ServerOptimizers {
  private ServerOptimizers() {}

  /** A flat state vector as one-tensor parameters. */
  static Parameters vector(float[] v) {
    return Parameters.of(Tensor.vector(v));
  }
}
