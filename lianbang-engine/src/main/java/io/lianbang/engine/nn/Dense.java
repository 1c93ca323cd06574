package io.lianbang.engine.nn;

import io.lianbang.engine.kernel.GemmInit;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fully connected layer {@code y = x·Wᵀ + b} (PyTorch {@code nn.Linear}), exposed weight shape
 * {@code [out, in]}, bias {@code [out]}.
 *
 * <p>The weight is stored as {@code [in, out]} so the forward product {@code Y = X·W} and the
 * weight gradient {@code dW = Xᵀ·dY} both stream it row by row; the input gradient
 * {@code dX = dY·Wᵀ} reads a transposed copy that is refreshed only when the weight has changed
 * and the gradient is actually needed (never for the first layer).
 */
final class Dense extends Layer {
  private final int out;
  private int in;
  private Param weight;
  private Param bias;
  private float[] weightT;
  private int weightTVersion = -1;
  private float[] x;
  private float[] y;
  private float[] dx;

  Dense(int out) {
    if (out < 1) throw new IllegalArgumentException("dense out must be >= 1, got " + out);
    this.out = out;
  }

  @Override
  int[] build(int[] inShape, String prefix, Init init, SplittableRandom rng) {
    in = product(inShape);
    weight = new Param(prefix + "weight", new int[] {out, in}, true);
    bias = new Param(prefix + "bias", new int[] {out}, false);
    init.weight(weight, in, out, rng);
    init.bias(bias, in, rng);
    return new int[] {out};
  }

  @Override
  float[] forward(float[] x, int n, Exec exec) {
    this.x = x;
    y = ensure(y, n * out);
    exec.kernel.gemm(n, out, in, x, 0, in, 1, weight.value, 0, out, y, 0, out,
        GemmInit.COLUMN_BIAS, bias.value, 0, exec.threads);
    return y;
  }

  @Override
  float[] backward(float[] dy, int n, boolean needInputGrad, Exec exec) {
    // dW[in×out] = Xᵀ·dY: A(i, s) = x[s*in + i]
    exec.kernel.gemm(in, out, n, x, 0, 1, in, dy, 0, out, weight.grad, 0, out,
        GemmInit.ZERO, null, 0, exec.threads);
    exec.kernel.columnSums(n, out, dy, 0, out, bias.grad, 0, false);
    if (!needInputGrad) return null;
    if (weightTVersion != weight.version || weightT == null) {
      weightT = ensure(weightT, in * out);
      exec.kernel.transpose(in, out, weight.value, 0, weightT, 0);
      weightTVersion = weight.version;
    }
    dx = ensure(dx, n * in);
    exec.kernel.gemm(n, in, out, dy, 0, out, 1, weightT, 0, in, dx, 0, in,
        GemmInit.ZERO, null, 0, exec.threads);
    return dx;
  }

  @Override
  List<Param> params() {
    return List.of(weight, bias);
  }

  @Override
  public String toString() {
    return "Dense(" + in + "→" + out + ")";
  }
}
