package io.lianbang.engine.nn;

import java.util.List;

/**
 * Adam (Kingma &amp; Ba 2015, "Adam: A Method for Stochastic Optimization", ICLR) with PyTorch
 * {@code torch.optim.Adam} semantics (L2 weight decay added to the gradient, not AdamW):
 * <pre>
 *   g = g + wd·p;  m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²
 *   p -= (lr / (1−β1^t)) · m / (sqrt(v) / sqrt(1−β2^t) + eps)
 * </pre>
 */
final class Adam extends Optimizer {
  private final double lr;
  private final float beta1;
  private final float beta2;
  private final double b1;
  private final double b2;
  private final float eps;
  private final float weightDecay;
  private float[][] m;
  private float[][] v;
  private long t;
  private float stepSize;
  private float bc2Sqrt;

  Adam(OptimizerConfig c) {
    this.lr = c.lr();
    this.b1 = c.beta1();
    this.b2 = c.beta2();
    this.beta1 = (float) c.beta1();
    this.beta2 = (float) c.beta2();
    this.eps = (float) c.eps();
    this.weightDecay = (float) c.weightDecay();
  }

  @Override
  void init(List<Param> params) {
    m = new float[params.size()][];
    v = new float[params.size()][];
    for (int i = 0; i < params.size(); i++) {
      m[i] = new float[params.get(i).size()];
      v[i] = new float[params.get(i).size()];
    }
  }

  @Override
  void beforeStep() {
    t++;
    double bc1 = 1 - StrictMath.pow(b1, t);
    double bc2 = 1 - StrictMath.pow(b2, t);
    stepSize = (float) (lr / bc1);
    bc2Sqrt = (float) StrictMath.sqrt(bc2);
  }

  @Override
  void update(int index, Param p, int from, int to) {
    float[] w = p.value;
    float[] g = p.grad;
    float[] mi = m[index];
    float[] vi = v[index];
    float oneMinusB1 = (float) (1 - b1);
    float oneMinusB2 = (float) (1 - b2);
    for (int e = from; e < to; e++) {
      float d = weightDecay == 0 ? g[e] : g[e] + weightDecay * w[e];
      float me = beta1 * mi[e] + oneMinusB1 * d;
      float ve = beta2 * vi[e] + oneMinusB2 * d * d;
      mi[e] = me;
      vi[e] = ve;
      float denom = (float) Math.sqrt(ve) / bc2Sqrt + eps;
      w[e] -= stepSize * (me / denom);
    }
  }
}
