package io.lianbang.sim;

import io.lianbang.core.random.Seeds;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.task.Config;
import io.lianbang.privacy.dp.DpFedAvgClientClipping;
import io.lianbang.privacy.dp.DpFedAvgServerClipping;
import io.lianbang.privacy.dp.DpSettings;
import io.lianbang.privacy.dp.DpTaskConfig;
import io.lianbang.privacy.dp.NoiseSource;
import io.lianbang.sim.spec.DpMode;
import io.lianbang.sim.spec.PrivacySpec;

/**
 * How a {@code privacy.dp} section runs, the same in {@code simulate} and {@code lianbang server}:
 * the DP-FedAvg decorator of the strategy, the noise (seeded from the run seed only with {@code
 * deterministic_noise}), the weight cap of secure aggregation, and the instructions deployed
 * clients receive in their fit tasks ({@link DpTaskConfig}).
 */
public final class DpWiring {
  private DpWiring() {}

  /** The DP-FedAvg settings of {@code d}; an {@code epsilon_budget} of 0 means none. */
  public static DpSettings settings(PrivacySpec.Dp d) {
    double budget = d.epsilonBudget() == 0 ? Double.POSITIVE_INFINITY : d.epsilonBudget();
    return new DpSettings(d.noiseMultiplier(), d.clip(), d.adaptive(), d.targetQuantile(), 0.2, d.delta(), budget);
  }

  /** The noise of {@code label} and {@code path}: seeded from {@code seed} with {@code deterministic_noise} (INSECURE), else secure. */
  public static NoiseSource noise(PrivacySpec.Dp d, long seed, String label, long... path) {
    return d.deterministicNoise() ? NoiseSource.seededInsecure(Seeds.derive(seed, label, path)) : NoiseSource.secure();
  }

  /**
   * {@code base} wrapped in DP-FedAvg for modes {@code server} and {@code client}; {@code base}
   * itself for {@code none} and {@code local} (local DP needs nothing of the server).
   *
   * @throws IllegalArgumentException if {@code base} does not aggregate a weighted mean
   */
  public static Strategy strategy(Strategy base, PrivacySpec.Dp d, long seed) {
    return switch (d.mode()) {
      case SERVER -> new DpFedAvgServerClipping(base, settings(d), noise(d, seed, "dp-noise"));
      case CLIENT -> new DpFedAvgClientClipping(base, settings(d), noise(d, seed, "dp-noise"));
      default -> base;
    };
  }

  /**
   * The weight cap of secure aggregation: 1 when clients clip for DP-FedAvg (every client then
   * reports weight 1, and the cap keeps the weights exact), else {@code max_weight}.
   */
  public static double secAggMaxWeight(PrivacySpec p) {
    return p.dp().mode() == DpMode.CLIENT ? 1 : p.secagg().maxWeight();
  }

  /**
   * What deployed clients must do, as fit task entries: empty for {@code none} and {@code server};
   * the clipping norm for {@code client}; for {@code local} also the noise multiplier, δ and the
   * noise policy (with {@code deterministic_noise}, a seed derived from the run seed, from which
   * each client derives its own noise).
   */
  public static Config taskConfig(PrivacySpec.Dp d, long seed) {
    return switch (d.mode()) {
      case CLIENT -> DpTaskConfig.clientClipping(d.clip()).toConfig();
      case LOCAL -> new DpTaskConfig("local", d.clip(), d.noiseMultiplier(), d.delta(),
          d.deterministicNoise() ? Seeds.derive(seed, "local-dp-noise") : null).toConfig();
      default -> Config.empty();
    };
  }
}
