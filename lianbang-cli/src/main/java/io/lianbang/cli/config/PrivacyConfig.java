package io.lianbang.cli.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import io.lianbang.sim.spec.PrivacySpec;

/** The {@code privacy} section: {@code secagg}, {@code paillier} and {@code dp}. */
@JsonPropertyOrder({"secagg", "paillier", "dp"})
public final class PrivacyConfig {
  @JsonSetter(nulls = Nulls.SKIP)
  public SecAgg secagg;

  @JsonSetter(nulls = Nulls.SKIP)
  public Paillier paillier;

  @JsonSetter(nulls = Nulls.SKIP)
  public Dp dp;

  /** No privacy mechanism. */
  public PrivacyConfig() {
    this(PrivacySpec.none());
  }

  PrivacyConfig(PrivacySpec spec) {
    secagg = new SecAgg(spec.secagg());
    paillier = new Paillier(spec.paillier());
    dp = new Dp(spec.dp());
  }

  PrivacySpec toSpec() {
    return new PrivacySpec(secagg.toSpec(), paillier.toSpec(), dp.toSpec());
  }

  /** The {@code privacy.paillier} section. */
  @JsonPropertyOrder({"enabled", "key_bits"})
  public static final class Paillier {
    public boolean enabled;
    public int keyBits;

    public Paillier() {
      this(PrivacySpec.Paillier.disabled());
    }

    Paillier(PrivacySpec.Paillier p) {
      enabled = p.enabled();
      keyBits = p.keyBits();
    }

    PrivacySpec.Paillier toSpec() {
      return new PrivacySpec.Paillier(enabled, keyBits);
    }
  }

  /** The {@code privacy.secagg} section. */
  @JsonPropertyOrder({"enabled", "k", "threshold", "clip_range", "modulus_bits", "max_weight", "stage_timeout_seconds", "min_survivors"})
  public static final class SecAgg {
    public boolean enabled;
    public int k;
    public int threshold;
    public double clipRange;
    public int modulusBits;
    public double maxWeight;
    public double stageTimeoutSeconds;
    public int minSurvivors;

    public SecAgg() {
      this(PrivacySpec.SecAgg.disabled());
    }

    SecAgg(PrivacySpec.SecAgg s) {
      enabled = s.enabled();
      k = s.k();
      threshold = s.threshold();
      clipRange = s.clipRange();
      modulusBits = s.modulusBits();
      maxWeight = s.maxWeight();
      stageTimeoutSeconds = s.stageTimeoutSeconds();
      minSurvivors = s.minSurvivors();
    }

    /** The validated settings; errors name the key under {@code privacy.secagg}. */
    public PrivacySpec.SecAgg toSpec() {
      return new PrivacySpec.SecAgg(enabled, k, threshold, clipRange, modulusBits, maxWeight, stageTimeoutSeconds, minSurvivors);
    }
  }

  /** The {@code privacy.dp} section. */
  @JsonPropertyOrder({"mode", "noise_multiplier", "clip", "adaptive", "target_quantile", "delta", "epsilon_budget", "deterministic_noise"})
  public static final class Dp {
    public String mode;
    public double noiseMultiplier;
    public double clip;
    public boolean adaptive;
    public double targetQuantile;
    public double delta;
    public double epsilonBudget;
    public boolean deterministicNoise;

    public Dp() {
      this(PrivacySpec.Dp.none());
    }

    Dp(PrivacySpec.Dp d) {
      mode = d.mode();
      noiseMultiplier = d.noiseMultiplier();
      clip = d.clip();
      adaptive = d.adaptive();
      targetQuantile = d.targetQuantile();
      delta = d.delta();
      epsilonBudget = d.epsilonBudget();
      deterministicNoise = d.deterministicNoise();
    }

    PrivacySpec.Dp toSpec() {
      if (mode == null) throw new IllegalArgumentException("privacy.dp.mode must be set, got nothing (null)");
      return new PrivacySpec.Dp(mode, noiseMultiplier, clip, adaptive, targetQuantile, delta, epsilonBudget, deterministicNoise);
    }
  }
}
