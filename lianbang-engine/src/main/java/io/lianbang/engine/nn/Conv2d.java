package io.lianbang.engine.nn;

import io.lianbang.engine.kernel.GemmInit;
import io.lianbang.engine.kernel.Im2col;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * 2-D convolution, stride 1, square kernel, optional zero padding, NCHW (PyTorch
 * {@code nn.Conv2d}); weight {@code [out, in, k, k]}, bias {@code [out]}.
 *
 * <p>Lowered to GEMM per image (im2col): {@code Y = W[F×P]·col[P×Q]} with {@code P = in·k·k}
 * patch values and {@code Q} output pixels. Backward computes, per image, the transposed weight
 * gradient {@code col·dYᵀ} into a per-image slot and the input gradient {@code col2im(Wᵀ·dY)};
 * the per-image weight gradients are then summed in image order and transposed once. A ReLU
 * that follows may be fused into the layer ({@link #fuseRelu}).
 * Images are spread over threads, and every sum has a fixed order, so results do not depend on
 * the thread count.
 */
final class Conv2d extends Layer {
  private final int outC;
  private final int k;
  private final int pad;
  private int inC;
  private int h;
  private int w;
  private int oh;
  private int ow;
  private int patch;
  private int pixels;
  private Param weight;
  private Param bias;
  private float[] x;
  private float[] y;
  private float[] dx;
  private float[] dwParts;
  private float[] dbParts;
  private float[] dwSumT;
  private float[][] scratch = new float[0][];
  private float[] dyMasked;
  /** Output is {@code max(y, 0)}: the ReLU that follows this layer is done here. */
  boolean fuseRelu;

  Conv2d(int outC, int k, int pad) {
    if (outC < 1) throw new IllegalArgumentException("conv out channels must be >= 1, got " + outC);
    if (k < 1) throw new IllegalArgumentException("conv kernel must be >= 1, got " + k);
    if (pad < 0) throw new IllegalArgumentException("conv padding must be >= 0, got " + pad);
    this.outC = outC;
    this.k = k;
    this.pad = pad;
  }

  @Override
  int[] build(int[] in, String prefix, Init init, SplittableRandom rng) {
    if (in.length != 3) throw new IllegalArgumentException("conv input must be [C, H, W], got " + Arrays.toString(in));
    inC = in[0];
    h = in[1];
    w = in[2];
    oh = Im2col.outSize(h, k, pad);
    ow = Im2col.outSize(w, k, pad);
    if (oh < 1 || ow < 1) {
      throw new IllegalArgumentException("conv kernel " + k + " with padding " + pad + " does not fit input " + Arrays.toString(in));
    }
    patch = inC * k * k;
    pixels = oh * ow;
    weight = new Param(prefix + "weight", new int[] {outC, inC, k, k}, false);
    bias = new Param(prefix + "bias", new int[] {outC}, false);
    init.weight(weight, patch, outC * k * k, rng);
    init.bias(bias, patch, rng);
    return new int[] {outC, oh, ow};
  }

  private float[] scratch(int part, int size) {
    if (scratch.length <= part) scratch = Arrays.copyOf(scratch, part + 1);
    float[] s = scratch[part];
    if (s == null || s.length < size) scratch[part] = s = new float[size];
    return s;
  }

  private void ensureScratch(int parts) {
    if (scratch.length < parts) scratch = Arrays.copyOf(scratch, parts);
  }

  @Override
  float[] forward(float[] x, int n, Exec exec) {
    this.x = x;
    int inSize = inC * h * w;
    int outSize = outC * pixels;
    y = ensure(y, n * outSize);
    ensureScratch(exec.threads);
    exec.parallel(n, (part, from, to) -> {
      float[] col = scratch(part, patch * pixels);
      for (int s = from; s < to; s++) {
        Im2col.im2col(x, s * inSize, inC, h, w, k, k, pad, col, 0);
        exec.kernel.gemm(outC, pixels, patch, weight.value, 0, patch, 1, col, 0, pixels,
            y, s * outSize, pixels, GemmInit.ROW_BIAS, bias.value, 0, fuseRelu, 1);
      }
    });
    return y;
  }

  @Override
  float[] backward(float[] dyOut, int n, boolean needInputGrad, Exec exec) {
    if (fuseRelu) {
      // the gradient of the fused ReLU, exactly as ReLU.backward computes it
      dyMasked = ensure(dyMasked, n * outC * pixels);
      exec.kernel.reluGrad(n * outC * pixels, y, dyOut, dyMasked);
    }
    final float[] dy = fuseRelu ? dyMasked : dyOut;
    int inSize = inC * h * w;
    int outSize = outC * pixels;
    int wSize = outC * patch;
    dwParts = ensure(dwParts, n * wSize);
    dbParts = ensure(dbParts, n * outC);
    if (needInputGrad) dx = ensure(dx, n * inSize);
    ensureScratch(2 * exec.threads);
    exec.parallel(n, (part, from, to) -> {
      float[] buf = scratch(2 * part, Math.max(patch, outC) * pixels);
      float[] col = scratch(2 * part + 1, patch * pixels);
      for (int s = from; s < to; s++) {
        // dWᵀ[P×F] = col[P×Q]·dYᵀ[Q×F]: transposing dY is much cheaper than transposing col
        Im2col.im2col(x, s * inSize, inC, h, w, k, k, pad, col, 0);
        exec.kernel.transpose(outC, pixels, dy, s * outSize, buf, 0);
        exec.kernel.gemm(patch, outC, pixels, col, 0, pixels, 1, buf, 0, outC,
            dwParts, s * wSize, outC, GemmInit.ZERO, null, 0, 1);
        exec.kernel.rowSums(outC, pixels, dy, s * outSize, pixels, dbParts, s * outC, false);
        if (needInputGrad) {
          // dcol[P×Q] = Wᵀ·dY: A(p, f) = W[f*patch + p]
          exec.kernel.gemm(patch, pixels, outC, weight.value, 0, 1, patch, dy, s * outSize, pixels,
              buf, 0, pixels, GemmInit.ZERO, null, 0, 1);
          Arrays.fill(dx, s * inSize, (s + 1) * inSize, 0f);
          Im2col.col2im(buf, 0, inC, h, w, k, k, pad, dx, s * inSize);
        }
      }
    });
    dwSumT = ensure(dwSumT, wSize);
    sumParts(dwParts, n, wSize, dwSumT, exec);
    exec.kernel.transpose(patch, outC, dwSumT, 0, weight.grad, 0);
    sumParts(dbParts, n, outC, bias.grad, exec);
    return needInputGrad ? dx : null;
  }

  /** {@code out[e] = parts[0][e] + parts[1][e] + ...}, in image order for every element. */
  private static void sumParts(float[] parts, int n, int size, float[] out, Exec exec) {
    exec.parallel(size, (long) n * size, (part, from, to) -> {
      System.arraycopy(parts, from, out, from, to - from);
      for (int s = 1; s < n; s++) {
        int base = s * size;
        for (int e = from; e < to; e++) out[e] += parts[base + e];
      }
    });
  }

  @Override
  List<Param> params() {
    return List.of(weight, bias);
  }

  @Override
  public String toString() {
    return "Conv2d(" + inC + "→" + outC + ", " + k + "x" + k + (pad > 0 ? ", pad " + pad : "") + ")";
  }
}
