package io.lianbang.engine.nn;

import io.lianbang.engine.kernel.GemmInit;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Fully connected layer {@code y = x·Wᵀ + b} (PyTorch {@code nn.Linear}), exposed weight shape
 * {@code [out, in]}, bias {@code [out]}.
 *
 * <p>The weight is stored as {@code [in, out]} so the forward product {@code Y = X·W} and the
 * weight gradient {@code dW = Xᵀ·dY} both stream it row by row. The input gradient
 * {@code dX = dY·Wᵀ} (never needed for the first layer) is computed either as
 * {@code (W·dYᵀ)ᵀ}, transposing only the small batch matrices, or, when the batch is large
 * enough that the weight is the smaller matrix, from a transposed copy of the weight that is
 * refreshed only when the weight has changed. Both give every element the same in-order chain.
 *
 * <p>A {@link Sequential} may fuse a following ReLU into this layer ({@link #fuseRelu}): the
 * forward product then applies it in its epilogue, and backward masks the incoming gradient.
 * When the optimizer is plain SGD ({@link Exec#fusedSgd()}), backward applies the step itself,
 * tile by tile, without storing the weight gradient.
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
  private float[] dyMasked;
  private float[] dyT;
  private float[] dxT;
  /** Output is {@code max(y, 0)}: the ReLU that follows this layer is done here. */
  boolean fuseRelu;

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
        GemmInit.COLUMN_BIAS, bias.value, 0, fuseRelu, exec.threads);
    return y;
  }

  @Override
  float[] backward(float[] dy, int n, boolean needInputGrad, Exec exec) {
    float[] g = dy;
    if (fuseRelu) {
      // the gradient of the fused ReLU, exactly as ReLU.backward computes it
      int size = n * out;
      dyMasked = ensure(dyMasked, size);
      exec.kernel.reluGrad(size, y, dy, dyMasked);
      g = dyMasked;
    }
    // the input gradient first: it needs the weight before a fused update changes it
    float[] result = needInputGrad ? inputGrad(g, n, exec) : null;
    if (exec.fusedSgd()) {
      float lr = exec.fusedSgdLr;
      // W[in×out] -= lr·Xᵀ·dY, with A(i, s) = x[s*in + i]
      exec.kernel.gemmSgd(in, out, n, x, 0, 1, in, g, 0, out, weight.value, 0, out, lr, exec.threads);
      exec.kernel.columnSums(n, out, g, 0, out, bias.grad, 0, false);
      float[] b = bias.value;
      float[] db = bias.grad;
      for (int j = 0; j < out; j++) b[j] -= lr * db[j];
      weight.updatedInBackward = true;
      bias.updatedInBackward = true;
    } else {
      // dW[in×out] = Xᵀ·dY: A(i, s) = x[s*in + i]
      exec.kernel.gemm(in, out, n, x, 0, 1, in, g, 0, out, weight.grad, 0, out,
          GemmInit.ZERO, null, 0, exec.threads);
      exec.kernel.columnSums(n, out, g, 0, out, bias.grad, 0, false);
    }
    return result;
  }

  private float[] inputGrad(float[] g, int n, Exec exec) {
    dx = ensure(dx, n * in);
    if ((long) n * (in + out) < (long) in * out) {
      // dXᵀ[in×n] = W[in×out]·dYᵀ: transposes n·(in+out) values instead of the in·out weight
      dyT = ensure(dyT, out * n);
      exec.kernel.transpose(n, out, g, 0, dyT, 0);
      dxT = ensure(dxT, in * n);
      exec.kernel.gemm(in, n, out, weight.value, 0, out, 1, dyT, 0, n, dxT, 0, n,
          GemmInit.ZERO, null, 0, exec.threads);
      exec.kernel.transpose(in, n, dxT, 0, dx, 0);
      return dx;
    }
    if (weightTVersion != weight.version || weightT == null) {
      weightT = ensure(weightT, in * out);
      exec.kernel.transpose(in, out, weight.value, 0, weightT, 0);
      weightTVersion = weight.version;
    }
    exec.kernel.gemm(n, in, out, g, 0, out, 1, weightT, 0, in, dx, 0, in,
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
