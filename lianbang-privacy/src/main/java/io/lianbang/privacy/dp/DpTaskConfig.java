package io.lianbang.privacy.dp;

import static io.lianbang.core.text.Abbreviation.abbreviate;

import io.lianbang.core.task.Config;
import java.util.Optional;

/**
 * What a deployed client must do for differential privacy, as the server states it in each fit
 * task's configuration: {@value #MODE_KEY} {@code client} (clip the update to {@value #CLIP_KEY},
 * report weight 1; the server adds the noise, {@link DpFedAvgClientClipping}) or {@code local}
 * (clip and add Gaussian noise of standard deviation {@value #NOISE_MULTIPLIER_KEY}·{@value
 * #CLIP_KEY} before sending, {@link LocalDpClient}; ε is reported at {@value #DELTA_KEY}). With
 * {@value #NOISE_KEY} {@code seeded} the local noise derives from {@value #NOISE_SEED_KEY}
 * (INSECURE, for reproducible runs); otherwise ({@code secure}) it comes from a
 * {@link java.security.SecureRandom}.
 *
 * @param mode {@code client} or {@code local}
 * @param clip C, the L2 norm of the clipped update, finite and &gt; 0
 * @param noiseMultiplier z of the local noise, finite and &gt; 0 ({@code local} only; 0 for {@code client})
 * @param delta δ at which the client reports its ε, in (0, 1) ({@code local} only)
 * @param noiseSeed the seed of INSECURE seeded local noise, or null for secure noise
 */
public record DpTaskConfig(String mode, double clip, double noiseMultiplier, double delta, Long noiseSeed) {
  /** The key of the mode. */
  public static final String MODE_KEY = "dp_mode";
  /** The key of the clipping norm (the key {@link DpFedAvgClientClipping} sends). */
  public static final String CLIP_KEY = DpFedAvgClientClipping.CLIP_KEY;
  /** The key of the local noise multiplier. */
  public static final String NOISE_MULTIPLIER_KEY = "dp_noise_multiplier";
  /** The key of δ. */
  public static final String DELTA_KEY = "dp_delta";
  /** The key of the noise policy: {@code secure} or {@code seeded}. */
  public static final String NOISE_KEY = "dp_noise";
  /** The key of the seed of seeded noise. */
  public static final String NOISE_SEED_KEY = "dp_noise_seed";

  /**
   * @throws IllegalArgumentException naming the key and the value if one is out of range
   */
  public DpTaskConfig {
    if (!"client".equals(mode) && !"local".equals(mode)) {
      throw new IllegalArgumentException("config " + MODE_KEY + " must be client or local, got '" + abbreviate(mode) + "'");
    }
    if (!(clip > 0) || !Double.isFinite(clip)) throw new IllegalArgumentException("config " + CLIP_KEY + " must be > 0, got " + clip);
    if (mode.equals("local")) {
      if (!(noiseMultiplier > 0) || !Double.isFinite(noiseMultiplier)) {
        throw new IllegalArgumentException("config " + NOISE_MULTIPLIER_KEY + " must be > 0 for " + MODE_KEY + " local, got " + noiseMultiplier);
      }
      if (!(delta > 0 && delta < 1)) throw new IllegalArgumentException("config " + DELTA_KEY + " must be in (0, 1), got " + delta);
    }
  }

  /** Clipping on the client, noise on the server. */
  public static DpTaskConfig clientClipping(double clip) {
    return new DpTaskConfig("client", clip, 0, 0.5, null);
  }

  /**
   * The DP instructions in {@code config}, or empty if it has none ({@value #CLIP_KEY} alone, as
   * {@link DpFedAvgClientClipping} sends it, means {@code client}).
   *
   * @throws IllegalArgumentException naming the key and the value if an entry is malformed
   */
  public static Optional<DpTaskConfig> read(Config config) {
    if (!config.has(MODE_KEY)) {
      return config.has(CLIP_KEY) ? Optional.of(clientClipping(config.getDouble(CLIP_KEY, 0))) : Optional.empty();
    }
    String mode = config.getString(MODE_KEY, null);
    if (!config.has(CLIP_KEY)) throw new IllegalArgumentException("config " + CLIP_KEY + " is missing for " + MODE_KEY + " " + abbreviate(mode));
    double clip = config.getDouble(CLIP_KEY, 0);
    if (!"local".equals(mode)) return Optional.of(new DpTaskConfig(mode, clip, 0, 0.5, null));
    for (String key : new String[] {NOISE_MULTIPLIER_KEY, DELTA_KEY}) {
      if (!config.has(key)) throw new IllegalArgumentException("config " + key + " is missing for " + MODE_KEY + " local");
    }
    String noise = config.getString(NOISE_KEY, "secure");
    Long seed = switch (noise) {
      case "secure" -> null;
      case "seeded" -> {
        if (!config.has(NOISE_SEED_KEY)) throw new IllegalArgumentException("config " + NOISE_SEED_KEY + " is missing for " + NOISE_KEY + " seeded");
        yield config.getLong(NOISE_SEED_KEY, 0);
      }
      default -> throw new IllegalArgumentException("config " + NOISE_KEY + " must be secure or seeded, got '" + abbreviate(noise) + "'");
    };
    return Optional.of(new DpTaskConfig(mode, clip, config.getDouble(NOISE_MULTIPLIER_KEY, 0), config.getDouble(DELTA_KEY, 0), seed));
  }

  /** These instructions as task configuration entries, for {@link #read}. */
  public Config toConfig() {
    Config c = Config.empty().with(MODE_KEY, mode).with(CLIP_KEY, clip);
    if (mode.equals("local")) {
      c = c.with(NOISE_MULTIPLIER_KEY, noiseMultiplier).with(DELTA_KEY, delta).with(NOISE_KEY, noiseSeed == null ? "secure" : "seeded");
      if (noiseSeed != null) c = c.with(NOISE_SEED_KEY, noiseSeed);
    }
    return c;
  }
}
