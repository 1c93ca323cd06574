package io.lianbang.engine.nn;

import java.util.Locale;

/**
 * Optimizer settings: SGD (with momentum and weight decay) or Adam.
 *
 * @param kind        {@code SGD} or {@code ADAM}
 * @param lr          learning rate, {@code > 0}
 * @param momentum    SGD momentum in {@code [0, 1)} (ignored by Adam)
 * @param weightDecay L2 penalty added to the gradient, {@code >= 0}
 * @param beta1       Adam first-moment decay in {@code [0, 1)}
 * @param beta2       Adam second-moment decay in {@code [0, 1)}
 * @param eps         Adam denominator term, {@code > 0}
 */
public record OptimizerConfig(Kind kind, double lr, double momentum, double weightDecay,
                              double beta1, double beta2, double eps) {

  /** The optimizer algorithm. */
  public enum Kind { SGD, ADAM }

  /**
   * @throws IllegalArgumentException naming the field and value if a setting is out of range
   */
  public OptimizerConfig {
    if (kind == null) throw new IllegalArgumentException("optimizer kind must not be null");
    String k = kind.name().toLowerCase(Locale.ROOT);
    if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException(k + " lr must be > 0, got " + lr);
    if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
      throw new IllegalArgumentException(k + " weightDecay must be >= 0, got " + weightDecay);
    }
    if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException(k + " momentum must be in [0, 1), got " + momentum);
    if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException(k + " beta1 must be in [0, 1), got " + beta1);
    if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException(k + " beta2 must be in [0, 1), got " + beta2);
    if (!(eps > 0)) throw new IllegalArgumentException(k + " eps must be > 0, got " + eps);
  }

  /** Plain SGD with the given learning rate. */
  public static OptimizerConfig sgd(double lr) {
    return sgd(lr, 0, 0);
  }

  /** SGD with momentum and weight decay (PyTorch {@code torch.optim.SGD}, dampening 0, no Nesterov). */
  public static OptimizerConfig sgd(double lr, double momentum, double weightDecay) {
    return new OptimizerConfig(Kind.SGD, lr, momentum, weightDecay, 0.9, 0.999, 1e-8);
  }

  /** Adam with PyTorch's defaults (betas 0.9/0.999, eps 1e-8) and the given weight decay. */
  public static OptimizerConfig adam(double lr, double weightDecay) {
    return new OptimizerConfig(Kind.ADAM, lr, 0, weightDecay, 0.9, 0.999, 1e-8);
  }

  /** A fresh optimizer (no momentum or moment state). */
  public Optimizer create() {
    return kind == Kind.SGD ? new Sgd(this) : new Adam(this);
  }
}
