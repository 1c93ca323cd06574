package io.lianbang.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.lianbang.engine.kernel.Kernel;
import io.lianbang.engine.kernel.Kernels;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Checks each layer's forward pass against a double-precision reference and its analytic
 * gradients against central finite differences of that reference.
 */
class GradientCheckTest {
  private static final double H = 1e-5;

  /** A double-precision reference forward pass: input (flat, batch-major) and params in exposed layout. */
  interface Reference {
    double[] apply(double[] x, List<double[]> params);
  }

  private static Kernel kernel() {
    return Kernels.vectorModulePresent() ? Kernels.vector() : Kernels.scalar();
  }

  private static void check(Layer layer, int[] inShape, int n, Reference ref, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] outShape = layer.build(inShape, "t.", Init.HE_UNIFORM, rng.split());
    for (Param p : layer.params()) {
      // non-zero biases so that their effect is checked too
      for (int e = 0; e < p.size(); e++) p.value[e] = (float) (rng.nextDouble() - 0.5);
    }
    int inSize = Layer.product(inShape);
    int outSize = Layer.product(outShape);
    float[] x = new float[n * inSize];
    for (int i = 0; i < x.length; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
    float[] dy = new float[n * outSize];
    for (int i = 0; i < dy.length; i++) dy[i] = (float) (rng.nextDouble() * 2 - 1);

    Exec exec = new Exec(kernel(), 2, true);
    float[] y = layer.forward(x, n, exec).clone();
    float[] dx = layer.backward(dy, n, true, exec);

    double[] xd = toDouble(x, x.length);
    List<double[]> pd = new ArrayList<>();
    for (Param p : layer.params()) pd.add(toDouble(p.toTensor().toArray(), p.size()));
    double[] yRef = ref.apply(xd, pd);
    assertEquals(n * outSize, yRef.length, layer + " output size");
    for (int i = 0; i < yRef.length; i++) {
      assertEquals(yRef[i], y[i], 1e-4 * (1 + Math.abs(yRef[i])), layer + " forward[" + i + "]");
    }
    double[] r = toDouble(dy, dy.length);
    for (int i = 0; i < xd.length; i++) {
      double numeric = derivative(ref, xd, pd, r, xd, i);
      assertEquals(numeric, dx[i], 1e-4 * (1 + Math.abs(numeric)), layer + " dx[" + i + "]");
    }
    for (int k = 0; k < pd.size(); k++) {
      Param p = layer.params().get(k);
      for (int e = 0; e < p.size(); e++) {
        double numeric = derivative(ref, xd, pd, r, pd.get(k), e);
        float analytic = p.grad[p.storageIndex(e)];
        assertEquals(numeric, analytic, 1e-4 * (1 + Math.abs(numeric)), layer + " " + p.name() + ".grad[" + e + "]");
      }
    }
  }

  /** d/dv[i] of sum(r * ref(x, params)), by central differences. */
  private static double derivative(Reference ref, double[] x, List<double[]> params, double[] r, double[] v, int i) {
    double saved = v[i];
    v[i] = saved + H;
    double plus = dot(r, ref.apply(x, params));
    v[i] = saved - H;
    double minus = dot(r, ref.apply(x, params));
    v[i] = saved;
    return (plus - minus) / (2 * H);
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  static double[] toDouble(float[] f, int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) d[i] = f[i];
    return d;
  }

  /** Dense's forward pass by definition: y[s, o] = b[o] + Σ_i x[s, i]·w[o, i]. */
  private static Reference dense(int in, int out, int n) {
    return (x, p) -> {
      double[] w = p.get(0), b = p.get(1), y = new double[n * out];
      for (int s = 0; s < n; s++) {
        for (int o = 0; o < out; o++) {
          double acc = b[o];
          for (int i = 0; i < in; i++) acc += x[s * in + i] * w[o * in + i];
          y[s * out + o] = acc;
        }
      }
      return y;
    };
  }

  @Test
  void dense() {
    int in = 7, out = 5, n = 3;
    check(new Dense(out), new int[] {in}, n, dense(in, out, n), 1);
  }

  @Test
  void denseWithWideOutputUsesVectorPanels() {
    int in = 3, out = 70, n = 2;
    check(new Dense(out), new int[] {in}, n, dense(in, out, n), 2);
  }

  static double[] conv(double[] x, double[] w, double[] b, int n, int c, int h, int wd, int f, int k, int pad) {
    int oh = h + 2 * pad - k + 1, ow = wd + 2 * pad - k + 1;
    double[] y = new double[n * f * oh * ow];
    for (int s = 0; s < n; s++) {
      for (int o = 0; o < f; o++) {
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            double acc = b[o];
            for (int ch = 0; ch < c; ch++) {
              for (int ky = 0; ky < k; ky++) {
                for (int kx = 0; kx < k; kx++) {
                  int iy = oy + ky - pad, ix = ox + kx - pad;
                  if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                  acc += x[((s * c + ch) * h + iy) * wd + ix] * w[((o * c + ch) * k + ky) * k + kx];
                }
              }
            }
            y[((s * f + o) * oh + oy) * ow + ox] = acc;
          }
        }
      }
    }
    return y;
  }

  @Test
  void conv2dWithPadding() {
    int n = 2, c = 2, h = 6, w = 5, f = 3, k = 3, pad = 1;
    check(new Conv2d(f, k, pad), new int[] {c, h, w}, n,
        (x, p) -> conv(x, p.get(0), p.get(1), n, c, h, w, f, k, pad), 3);
  }

  @Test
  void conv2dWithoutPadding() {
    int n = 3, c = 1, h = 7, w = 7, f = 2, k = 5, pad = 0;
    check(new Conv2d(f, k, pad), new int[] {c, h, w}, n,
        (x, p) -> conv(x, p.get(0), p.get(1), n, c, h, w, f, k, pad), 4);
  }

  @Test
  void maxPool() {
    int n = 2, c = 3, h = 5, w = 4, k = 2;
    check(new MaxPool2d(k, k), new int[] {c, h, w}, n, (x, p) -> {
      int oh = (h - k) / k + 1, ow = (w - k) / k + 1;
      double[] y = new double[n * c * oh * ow];
      for (int pl = 0; pl < n * c; pl++) {
        for (int oy = 0; oy < oh; oy++) {
          for (int ox = 0; ox < ow; ox++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int ky = 0; ky < k; ky++) for (int kx = 0; kx < k; kx++) m = Math.max(m, x[(pl * h + oy * k + ky) * w + ox * k + kx]);
            y[(pl * oh + oy) * ow + ox] = m;
          }
        }
      }
      return y;
    }, 5);
  }

  @Test
  void relu() {
    check(new ReLU(), new int[] {11}, 3, (x, p) -> {
      double[] y = new double[x.length];
      for (int i = 0; i < x.length; i++) y[i] = Math.max(0, x[i]);
      return y;
    }, 6);
  }

  @Test
  void flatten() {
    Flatten flatten = new Flatten();
    check(flatten, new int[] {2, 3, 2}, 2, (x, p) -> x.clone(), 7);
  }

  @Test
  void dropoutAppliesTheSameMaskForwardAndBackward() {
    Dropout d = new Dropout(0.4);
    check(d, new int[] {50}, 2, (x, p) -> {
      float[] mask = d.lastMask();
      double[] y = new double[x.length];
      for (int i = 0; i < x.length; i++) y[i] = x[i] * mask[i];
      return y;
    }, 8);
    float[] mask = d.lastMask();
    int zeros = 0;
    for (int i = 0; i < 100; i++) {
      if (mask[i] == 0f) zeros++;
      else assertEquals(1 / 0.6f, mask[i], 1e-6f);
    }
    assertEquals(40, zeros, 15, "about 40% dropped");
  }

  @Test
  void dropoutIsIdentityInEvaluation() {
    Dropout d = new Dropout(0.5);
    d.build(new int[] {4}, "d.", Init.HE_UNIFORM, new SplittableRandom(1));
    float[] x = {1, 2, 3, 4};
    Exec eval = new Exec(Kernels.scalar(), 1, false);
    assertEquals(x, d.forward(x, 1, eval));
    assertEquals(x, d.backward(x, 1, true, eval));
  }

  @Test
  void firstLayerSkipsInputGradient() {
    Dense dense = new Dense(3);
    dense.build(new int[] {4}, "d.", Init.HE_UNIFORM, new SplittableRandom(1));
    Exec exec = new Exec(Kernels.scalar(), 1, true);
    dense.forward(new float[8], 2, exec);
    assertNull(dense.backward(new float[6], 2, false, exec));
  }
}
