package io.lianbang.sim.spec;

import io.lianbang.core.check.Require;
import io.lianbang.privacy.secagg.SecAggParams;
import java.time.Duration;
import java.util.Objects;

/**
 * Privacy of a simulated federation: secure aggregation, Paillier aggregation and differential
 * privacy (YAML section {@code privacy}).
 *
 * @param secagg secure aggregation of the updates (SecAgg+)
 * @param paillier aggregation of Paillier-encrypted updates, decrypted by a separate key holder
 * @param dp differential privacy of the released models
 */
public record PrivacySpec(SecAgg secagg, Paillier paillier, Dp dp) {
  /**
   * @throws IllegalArgumentException naming the fields if the combination cannot work
   */
  public PrivacySpec {
    Objects.requireNonNull(secagg, "privacy.secagg");
    Objects.requireNonNull(paillier, "privacy.paillier");
    Objects.requireNonNull(dp, "privacy.dp");
    if (secagg.enabled() && paillier.enabled()) {
      throw new IllegalArgumentException("privacy.secagg.enabled and privacy.paillier.enabled cannot both be true: "
          + "each hides the individual updates from the server on its own (masking or encryption); choose one");
    }
    if (secagg.enabled() && dp.mode() == DpMode.SERVER) {
      throw new IllegalArgumentException("privacy.dp.mode server cannot be combined with privacy.secagg.enabled true: "
          + "server-side clipping needs every individual update, which secure aggregation hides (use dp.mode client)");
    }
    if (paillier.enabled() && dp.mode() == DpMode.SERVER) {
      throw new IllegalArgumentException("privacy.dp.mode server cannot be combined with privacy.paillier.enabled true: "
          + "server-side clipping needs every individual update, which Paillier encryption hides (use dp.mode client)");
    }
  }

  /** Secure aggregation and DP, without Paillier aggregation. */
  public PrivacySpec(SecAgg secagg, Dp dp) {
    this(secagg, Paillier.disabled(), dp);
  }

  /** No privacy mechanism. */
  public static PrivacySpec none() {
    return new PrivacySpec(SecAgg.disabled(), Paillier.disabled(), Dp.none());
  }

  /** Whether any mechanism is on. */
  public boolean any() {
    return secagg.enabled() || paillier.enabled() || dp.mode() != DpMode.NONE;
  }

  /**
   * Paillier aggregation settings ({@code privacy.paillier}).
   *
   * @param enabled clients encrypt their weighted updates; the server adds ciphertexts and a
   *     separate key holder decrypts only the sum
   * @param keyBits bits of the Paillier modulus n: even, in [512, 8192]; 2048 or more for real
   *     use (512 and 1024 are for fast tests only)
   */
  public record Paillier(boolean enabled, int keyBits) {
    public Paillier {
      if (keyBits < 512 || keyBits > 8192 || keyBits % 2 != 0) {
        throw new IllegalArgumentException("privacy.paillier.key_bits must be an even number in [512, 8192], got " + keyBits);
      }
    }

    /** Off, with the default key size a user gets when turning it on. */
    public static Paillier disabled() {
      return new Paillier(false, 2048);
    }
  }

  /**
   * Secure aggregation settings ({@code privacy.secagg}).
   *
   * @param enabled mask updates with SecAgg+
   * @param k graph degree, even; 0 = 2⌈log₂ n⌉ (classic SecAgg when ≥ n − 1)
   * @param threshold Shamir threshold; 0 = ⌊(k+1)/2⌋ + 1, the smallest safe one; otherwise at
   *     least 2 and, with k set, at least ⌊(k+1)/2⌋ + 1 ({@link SecAggParams#minThreshold})
   * @param clipRange update coordinates are clipped to [−clip_range, clip_range] for quantisation
   * @param modulusBits masked vectors live modulo 2^modulus_bits, in [16, 62]
   * @param maxWeight a client's weight is min(1, examples / max_weight)
   * @param stageTimeoutSeconds deadline of each protocol stage
   * @param minSurvivors a round's sum is released only if at least max(threshold, min_survivors)
   *     clients survive; at least 2
   */
  public record SecAgg(boolean enabled, int k, int threshold, double clipRange, int modulusBits, double maxWeight,
                       double stageTimeoutSeconds, int minSurvivors) {
    public SecAgg {
      if (k < 0 || k % 2 != 0) throw new IllegalArgumentException("privacy.secagg.k must be an even number >= 0 (0 = default), got " + k);
      String unsafe = SecAggParams.thresholdProblem(threshold, k);
      if (unsafe != null) throw new IllegalArgumentException("privacy.secagg.threshold " + unsafe);
      Require.positive("privacy.secagg.clip_range", clipRange);
      if (modulusBits < 16 || modulusBits > 62) throw new IllegalArgumentException("privacy.secagg.modulus_bits must be in [16, 62], got " + modulusBits);
      if (!(maxWeight >= 1) || !Double.isFinite(maxWeight)) throw new IllegalArgumentException("privacy.secagg.max_weight must be >= 1, got " + maxWeight);
      Seconds.check("privacy.secagg.stage_timeout_seconds", stageTimeoutSeconds);
      Require.atLeast("privacy.secagg.min_survivors", minSurvivors, SecAggParams.MIN_SURVIVORS);
    }

    /** Settings with the default {@code min_survivors} ({@link SecAggParams#MIN_SURVIVORS}). */
    public SecAgg(boolean enabled, int k, int threshold, double clipRange, int modulusBits, double maxWeight,
                  double stageTimeoutSeconds) {
      this(enabled, k, threshold, clipRange, modulusBits, maxWeight, stageTimeoutSeconds, SecAggParams.MIN_SURVIVORS);
    }

    /** Off, with the defaults a user gets when turning it on. */
    public static SecAgg disabled() {
      return new SecAgg(false, 0, 0, 1.0, 32, 10_000, 60);
    }

    /** The protocol parameters, with weights capped at {@code maxWeight} (this spec's, or 1 when clients clip for DP). */
    public SecAggParams params(double maxWeight) {
      return params(maxWeight, modulusBits);
    }

    /** The protocol parameters with the field narrowed to {@code bits} (at most {@link #modulusBits()}). */
    public SecAggParams params(double maxWeight, int bits) {
      if (bits > modulusBits) throw new IllegalArgumentException("the field may only narrow: " + bits + " > privacy.secagg.modulus_bits " + modulusBits);
      return new SecAggParams(k, threshold, clipRange, bits, maxWeight, minSurvivors);
    }

    /** The deadline of each protocol stage. */
    public Duration stageTimeout() {
      return Seconds.of("privacy.secagg.stage_timeout_seconds", stageTimeoutSeconds);
    }
  }

  /**
   * Differential privacy settings ({@code privacy.dp}).
   *
   * @param mode {@code none}, {@code server} (DP-FedAvg, server clips), {@code client} (DP-FedAvg,
   *     clients clip; works with secure aggregation) or {@code local} (clients clip and add noise)
   * @param noiseMultiplier z
   * @param clip C, the L2 norm each update is clipped to (initial value when adaptive)
   * @param adaptive adaptive clipping (server mode only)
   * @param targetQuantile γ for adaptive clipping, in (0, 1)
   * @param delta δ at which ε is reported, in (0, 1)
   * @param epsilonBudget stop training before ε exceeds this; 0 = no budget
   * @param deterministicNoise INSECURE: draw the noise from the run seed so runs are reproducible
   */
  public record Dp(DpMode mode, double noiseMultiplier, double clip, boolean adaptive, double targetQuantile,
                   double delta, double epsilonBudget, boolean deterministicNoise) {
    public Dp {
      Require.oneOf("privacy.dp.mode", mode, DpMode.class);
      Require.nonNegative("privacy.dp.noise_multiplier", noiseMultiplier);
      Require.positive("privacy.dp.clip", clip);
      if (!(targetQuantile > 0 && targetQuantile < 1)) throw new IllegalArgumentException("privacy.dp.target_quantile must be in (0, 1), got " + targetQuantile);
      if (!(delta > 0 && delta < 1)) throw new IllegalArgumentException("privacy.dp.delta must be in (0, 1), got " + delta);
      Require.nonNegative("privacy.dp.epsilon_budget", epsilonBudget);
      if (adaptive && mode != DpMode.SERVER) {
        throw new IllegalArgumentException("privacy.dp.adaptive needs privacy.dp.mode server, got mode " + mode);
      }
      if (mode == DpMode.LOCAL && !(noiseMultiplier > 0)) {
        throw new IllegalArgumentException("privacy.dp.noise_multiplier must be > 0 for mode local, got " + noiseMultiplier);
      }
    }

    /** No differential privacy. */
    public static Dp none() {
      return new Dp(DpMode.NONE, 1.0, 1.0, false, 0.5, 1e-5, 0, false);
    }
  }
}
