package io.lianbang.engine.nn;

import io.lianbang.core.tensor.Parameters;
import java.util.List;

/**
 * Corrections to local training for federated algorithms:
 * <ul>
 *   <li>a proximal term added to every gradient before the optimizer step,
 *       {@code g ← g + μ·(w − anchor)}: FedProx's gradient of {@code μ/2 · ‖w − w_global‖²} (Li et
 *       al., MLSys 2020); weight decay, momentum and Adam then act on the corrected gradient;
 *   <li>an offset step applied after every optimizer step, {@code w ← w − η·offset}: SCAFFOLD's
 *       control-variate correction {@code c − c_i} (Karimireddy et al., ICML 2020). It is applied
 *       outside the optimizer, so momentum does not amplify it (as NIID-Bench's implementation
 *       does; with plain SGD both forms are identical).
 * </ul>
 *
 * <p>Tensors are given in the model's exposed layout ({@link Model#parameters()}); they are
 * converted to the storage layout once, when training starts.
 */
public final class GradientCorrection {
  private final double mu;
  private final Parameters anchor;
  private final Parameters offset;
  private final float offsetLr;
  private float[][] anchorStorage;
  private float[][] offsetStorage;

  private GradientCorrection(double mu, Parameters anchor, Parameters offset, double offsetLr) {
    if (!(mu >= 0) || !Double.isFinite(mu)) throw new IllegalArgumentException("proximal mu must be >= 0, got " + mu);
    if (mu > 0 && anchor == null) throw new IllegalArgumentException("a proximal term needs the anchor parameters");
    this.mu = mu;
    this.anchor = anchor;
    this.offset = offset;
    if (offset != null && !(offsetLr > 0)) throw new IllegalArgumentException("offset step size must be > 0, got " + offsetLr);
    this.offsetLr = (float) offsetLr;
  }

  /** The proximal term μ·(w − anchor). */
  public static GradientCorrection proximal(double mu, Parameters anchor) {
    return new GradientCorrection(mu, anchor, null, 1);
  }

  /** The step {@code w ← w − η·offset} after every optimizer step. */
  public static GradientCorrection offset(Parameters offset, double eta) {
    return new GradientCorrection(0, null, offset, eta);
  }

  /** Both; {@code anchor} may be null when μ = 0, {@code offset} may be null. */
  public static GradientCorrection of(double mu, Parameters anchor, Parameters offset, double eta) {
    return new GradientCorrection(mu, anchor, offset, eta);
  }

  void bind(Model model, List<Param> params) {
    if (mu > 0) anchorStorage = storage(model, params, anchor, "proximal anchor");
    if (offset != null) offsetStorage = storage(model, params, offset, "gradient offset");
  }

  private static float[][] storage(Model model, List<Param> params, Parameters p, String what) {
    if (p.count() != params.size()) {
      throw new IllegalArgumentException(what + " has " + p.count() + " tensors, model " + model.name() + " has " + params.size());
    }
    float[][] out = new float[params.size()][];
    for (int i = 0; i < params.size(); i++) out[i] = params.get(i).storageOf(p.tensor(i));
    return out;
  }

  /** Adds the proximal term to the gradients (before the optimizer step). */
  void beforeStep(List<Param> params) {
    if (anchorStorage == null) return;
    float m = (float) mu;
    for (int i = 0; i < params.size(); i++) {
      Param p = params.get(i);
      float[] g = p.grad;
      float[] w = p.value;
      float[] a = anchorStorage[i];
      for (int e = 0; e < g.length; e++) g[e] += m * (w[e] - a[e]);
    }
  }

  /** Applies the offset step (after the optimizer step). */
  void afterStep(List<Param> params) {
    if (offsetStorage == null) return;
    for (int i = 0; i < params.size(); i++) {
      Param p = params.get(i);
      float[] w = p.value;
      float[] o = offsetStorage[i];
      for (int e = 0; e < w.length; e++) w[e] -= offsetLr * o[e];
      p.version++;
    }
  }
}
