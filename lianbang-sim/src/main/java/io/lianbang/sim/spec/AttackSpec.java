package io.lianbang.sim.spec;

import io.lianbang.core.check.Require;

/**
 * Byzantine clients in a simulation: a share of the clients, chosen once from the run seed,
 * misbehave in every round they are sampled.
 *
 * @param kind {@code none}; {@code sign_flip} (send {@code x − scale·Δ} instead of {@code x + Δ});
 *     {@code gaussian_noise} (send {@code x} plus Gaussian noise of standard deviation
 *     {@code noise_std} instead of the trained model); {@code scaling} (model replacement: send
 *     {@code x + scale·Δ}); {@code label_flip} (train honestly on labels {@code y → K − 1 − y})
 * @param fraction the share of clients that are malicious, in [0, 1]
 * @param scale the factor of {@code sign_flip} and {@code scaling}, &gt; 0
 * @param noiseStd the standard deviation of {@code gaussian_noise}, &ge; 0
 */
public record AttackSpec(AttackKind kind, double fraction, double scale, double noiseStd) {
  public AttackSpec {
    Require.oneOf("attack.kind", kind, AttackKind.class);
    Require.unitInterval("attack.fraction", fraction, true);
    Require.positive("attack.scale", scale);
    Require.nonNegative("attack.noise_std", noiseStd);
  }

  /** No attack. */
  public static AttackSpec none() {
    return new AttackSpec(AttackKind.NONE, 0, 1, 1);
  }

  /** True if some clients are malicious. */
  public boolean active() {
    return kind != AttackKind.NONE && fraction > 0;
  }
}
