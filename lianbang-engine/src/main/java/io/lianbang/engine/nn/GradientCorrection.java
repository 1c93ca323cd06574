package io.lianbang.engine.nn;

import io.lianbang.core.tensor.Parameters;
import java.util.List;

/**
 * A term added to every gradient during local training, before the optimizer step:
 * <pre>  g ← g + μ·(w − anchor) + offset</pre>
 * The proximal part is FedProx's gradient of {@code μ/2 · ‖w − w_global‖²} (Li et al., MLSys
 * 2020); the offset is SCAFFOLD's control-variate correction {@code c − c_i} (Karimireddy et al.,
 * ICML 2020). Weight decay, momentum and Adam then act on the corrected gradient.
 *
 * <p>Tensors are given in the model's exposed layout ({@link Model#parameters()}); they are
 * converted to the storage layout once, when training starts.
 */
public final class GradientCorrection {
  private final double mu;
  private final Parameters anchor;
  private final Parameters offset;
  private float[][] anchorStorage;
  private float[][] offsetStorage;

  private GradientCorrection(double mu, Parameters anchor, Parameters offset) {
    if (!(mu >= 0) || !Double.isFinite(mu)) throw new IllegalArgumentException("proximal mu must be >= 0, got " + mu);
    if (mu > 0 && anchor == null) throw new IllegalArgumentException("a proximal term needs the anchor parameters");
    this.mu = mu;
    this.anchor = anchor;
    this.offset = offset;
  }

  /** The proximal term μ·(w − anchor). */
  public static GradientCorrection proximal(double mu, Parameters anchor) {
    return new GradientCorrection(mu, anchor, null);
  }

  /** A constant offset added to every gradient. */
  public static GradientCorrection offset(Parameters offset) {
    return new GradientCorrection(0, null, offset);
  }

  /** Both terms; {@code anchor} may be null when μ = 0, {@code offset} may be null. */
  public static GradientCorrection of(double mu, Parameters anchor, Parameters offset) {
    return new GradientCorrection(mu, anchor, offset);
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

  void apply(List<Param> params) {
    float m = (float) mu;
    for (int i = 0; i < params.size(); i++) {
      Param p = params.get(i);
      float[] g = p.grad;
      float[] w = p.value;
      if (anchorStorage != null) {
        float[] a = anchorStorage[i];
        for (int e = 0; e < g.length; e++) g[e] += m * (w[e] - a[e]);
      }
      if (offsetStorage != null) {
        float[] o = offsetStorage[i];
        for (int e = 0; e < g.length; e++) g[e] += o[e];
      }
    }
  }
}
