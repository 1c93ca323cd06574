package io.lianbang.core.strategy;

import io.lianbang.core.strategy.registry.ParameterRange;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;

/** Hyper-parameter checks shared by the strategies ({@link ParameterRange}), with messages naming parameter, value and range. */
final class ServerOptimizers {
  private ServerOptimizers() {}

  static void positive(String name, double v) {
    ParameterRange.POSITIVE.check(name, v);
  }

  static void nonNegative(String name, double v) {
    ParameterRange.NON_NEGATIVE.check(name, v);
  }

  static void halfOpenUnit(String name, double v) {
    ParameterRange.UNIT.check(name, v);
  }

  /** A flat state vector as one-tensor parameters. */
  static Parameters vector(float[] v) {
    return Parameters.of(Tensor.vector(v));
  }
}
