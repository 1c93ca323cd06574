package io.lianbang.engine.kernel;

/** Where a {@link Kernel#gemm GEMM} output element starts before the products are added. */
public enum GemmInit {
  /** Start from zero: {@code C = A·B}. */
  ZERO,
  /** Start from the current value of {@code C}: {@code C += A·B}. */
  ACCUMULATE,
  /** Start from {@code bias[biasOffset + i]} for output row {@code i}. */
  ROW_BIAS,
  /** Start from {@code bias[biasOffset + j]} for output column {@code j}. */
  COLUMN_BIAS
}
