package io.lianbang.engine.kernel;

/** The operands of one {@link Kernel#gemm} call, handed to the per-tile workers. */
final class Gemm {
  final int k;
  final float[] a;
  final int aOffset;
  final int aRowStride;
  final int aColStride;
  final float[] b;
  final int bOffset;
  final int ldb;
  final float[] c;
  final int cOffset;
  final int ldc;
  final GemmInit init;
  final float[] bias;
  final int biasOffset;

  Gemm(int k, float[] a, int aOffset, int aRowStride, int aColStride, float[] b, int bOffset, int ldb,
       float[] c, int cOffset, int ldc, GemmInit init, float[] bias, int biasOffset) {
    this.k = k;
    this.a = a;
    this.aOffset = aOffset;
    this.aRowStride = aRowStride;
    this.aColStride = aColStride;
    this.b = b;
    this.bOffset = bOffset;
    this.ldb = ldb;
    this.c = c;
    this.cOffset = cOffset;
    this.ldc = ldc;
    this.init = init;
    this.bias = bias;
    this.biasOffset = biasOffset;
  }

  /** The starting value of output element (i, j). */
  float start(int i, int j) {
    switch (init) {
      case ZERO: return 0f;
      case ACCUMULATE: return c[cOffset + i * ldc + j];
      case ROW_BIAS: return bias[biasOffset + i];
      default: return bias[biasOffset + j];
    }
  }
}
