package io.lianbang.cli.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.lianbang.sim.spec.AttackSpec;

/** The {@code attack} section: malicious clients (none by default). */
@JsonPropertyOrder({"kind", "fraction", "scale", "noise_std"})
public final class AttackConfig {
  public String kind;
  public double fraction;
  public double scale;
  public double noiseStd;

  /** No attack. */
  public AttackConfig() {
    this(AttackSpec.none());
  }

  AttackConfig(AttackSpec spec) {
    kind = spec.kind();
    fraction = spec.fraction();
    scale = spec.scale();
    noiseStd = spec.noiseStd();
  }

  AttackSpec toSpec() {
    return new AttackSpec(kind, fraction, scale, noiseStd);
  }
}
