package io.lianbang.sim.spec;

import java.util.Locale;

/**
 * What the malicious clients of a simulation do ({@code attack.kind}); written in the
 * configuration as the lowercase word ({@link #toString}).
 */
public enum AttackKind {
  /** No attack. */
  NONE,
  /** Send {@code x − scale·Δ} instead of {@code x + Δ}. */
  SIGN_FLIP,
  /** Send {@code x} plus Gaussian noise of standard deviation {@code noise_std}. */
  GAUSSIAN_NOISE,
  /** Model replacement: send {@code x + scale·Δ}. */
  SCALING,
  /** Train honestly on labels {@code y → K − 1 − y}. */
  LABEL_FLIP;

  /** The configuration word, e.g. {@code sign_flip}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
