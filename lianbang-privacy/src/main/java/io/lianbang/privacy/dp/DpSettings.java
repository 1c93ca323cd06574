package io.lianbang.privacy.dp;

/**
 * Settings of client-level DP-FedAvg.
 *
 * @param noiseMultiplier z: the noise standard deviation on the sum of clipped updates is z·C
 * @param clip C, the L2 clipping norm of each client's update (the initial norm when adaptive)
 * @param adaptive adapt C to a quantile of the update norms (Andrew et al. 2021); server-side only
 * @param targetQuantile γ, the share of updates that should fall under C when adaptive, in (0, 1)
 * @param clipLearningRate η_C of the geometric clip update when adaptive, &gt; 0
 * @param delta the δ at which ε is reported, in (0, 1)
 * @param epsilonBudget stop training before ε would exceed this (infinite: never)
 */
public record DpSettings(double noiseMultiplier, double clip, boolean adaptive, double targetQuantile,
                         double clipLearningRate, double delta, double epsilonBudget) {
  /**
   * @throws IllegalArgumentException naming the setting and value if one is out of range
   */
  public DpSettings {
    if (!(noiseMultiplier >= 0) || !Double.isFinite(noiseMultiplier)) throw new IllegalArgumentException("dp.noise_multiplier must be >= 0, got " + noiseMultiplier);
    if (!(clip > 0) || !Double.isFinite(clip)) throw new IllegalArgumentException("dp.clip must be > 0, got " + clip);
    if (!(targetQuantile > 0 && targetQuantile < 1)) throw new IllegalArgumentException("dp.target_quantile must be in (0, 1), got " + targetQuantile);
    if (!(clipLearningRate > 0)) throw new IllegalArgumentException("dp.clip_learning_rate must be > 0, got " + clipLearningRate);
    if (!(delta > 0 && delta < 1)) throw new IllegalArgumentException("dp.delta must be in (0, 1), got " + delta);
    if (!(epsilonBudget > 0)) throw new IllegalArgumentException("dp.epsilon_budget must be > 0, got " + epsilonBudget);
  }

  /** Fixed clipping at {@code clip} with noise multiplier {@code z}, δ = 1e-5, no budget. */
  public static DpSettings fixed(double z, double clip) {
    return new DpSettings(z, clip, false, 0.5, 0.2, 1e-5, Double.POSITIVE_INFINITY);
  }
}
