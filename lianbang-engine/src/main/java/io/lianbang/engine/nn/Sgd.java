package io.lianbang.engine.nn;

import java.util.List;

/**
 * Stochastic gradient descent with PyTorch {@code torch.optim.SGD} semantics (dampening 0):
 * {@code d = g + wd·p}; with momentum {@code buf = μ·buf + d} (the first step sets
 * {@code buf = d}) and {@code d = buf}; then {@code p -= lr·d}. Arithmetic is float32 as in
 * PyTorch.
 */
final class Sgd extends Optimizer {
  private final float lr;
  private final float momentum;
  private final float weightDecay;
  private float[][] buf;
  private boolean first = true;
  private boolean firstInStep;

  Sgd(OptimizerConfig c) {
    this.lr = (float) c.lr();
    this.momentum = (float) c.momentum();
    this.weightDecay = (float) c.weightDecay();
  }

  @Override
  float fusedSgdLr() {
    return momentum == 0 && weightDecay == 0 ? lr : Float.NaN;
  }

  @Override
  void init(List<Param> params) {
    buf = new float[params.size()][];
    if (momentum != 0) for (int i = 0; i < params.size(); i++) buf[i] = new float[params.get(i).size()];
  }

  @Override
  void beforeStep() {
    firstInStep = first;
    first = false;
  }

  @Override
  void update(int index, Param p, int from, int to) {
    float[] w = p.value;
    float[] g = p.grad;
    if (momentum == 0) {
      if (weightDecay == 0) {
        for (int e = from; e < to; e++) w[e] -= lr * g[e];
      } else {
        for (int e = from; e < to; e++) w[e] -= lr * (g[e] + weightDecay * w[e]);
      }
      return;
    }
    float[] b = buf[index];
    for (int e = from; e < to; e++) {
      float d = weightDecay == 0 ? g[e] : g[e] + weightDecay * w[e];
      float v = firstInStep ? d : momentum * b[e] + d;
      b[e] = v;
      w[e] -= lr * v;
    }
  }
}
