package io.lianbang.sim.latency;

import io.lianbang.core.random.Seeds;
import io.lianbang.core.random.SplitMix64;
import io.lianbang.sim.spec.LatencySpec;
import java.util.Objects;

/**
 * The straggler model of a simulation: how many simulated seconds each training task takes. Client
 * {@code c} has a mean {@code m_c}, drawn once from {@code Seeds.derive(seed, "latency-client", c)}:
 * {@code mean} for {@code constant}, {@code mean · E} with {@code E ~ Exp(1)} for
 * {@code exponential}, and {@code mean · exp(σ·z − σ²/2)} with {@code z ~ N(0, 1)} for
 * {@code lognormal} (a lognormal of mean {@code mean}; device speeds in cross-device FL are heavy
 * tailed, which is what FedBuff targets: Nguyen et al., AISTATS 2022, §5). Task {@code k} of client
 * {@code c} then takes {@code m_c · exp(j·z' − j²/2)} with {@code z'} drawn from
 * {@code Seeds.derive(seed, "latency-task", c, k)} and {@code j} the jitter: the same client and
 * task number always take the same time, whatever else runs, so the simulated clock is
 * reproducible bit for bit. Computed with {@link StrictMath}.
 */
public final class LatencyModel {
  private final LatencySpec spec;
  private final long seed;

  /** The model {@code spec} describes for the run seeded {@code seed}. */
  public LatencyModel(LatencySpec spec, long seed) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.seed = seed;
  }

  /** Client {@code client}'s mean training time, in simulated seconds. */
  public double clientMean(int client) {
    SplitMix64 r = new SplitMix64(Seeds.derive(seed, "latency-client", client));
    return switch (spec.kind()) {
      case NONE, CONSTANT -> spec.meanSeconds();
      case EXPONENTIAL -> spec.meanSeconds() * -StrictMath.log(r.nextDoubleNonZero());
      case LOGNORMAL -> spec.meanSeconds() * lognormalFactor(spec.spread(), r.nextGaussian());
    };
  }

  /** How long task {@code task} (counted per client from 0, or the round) of {@code client} takes, in simulated seconds. */
  public double taskSeconds(int client, long task) {
    double mean = clientMean(client);
    if (spec.jitter() == 0) return mean;
    SplitMix64 r = new SplitMix64(Seeds.derive(seed, "latency-task", client, task));
    return mean * lognormalFactor(spec.jitter(), r.nextGaussian());
  }

  /** Simulated seconds the server adds to each synchronous round. */
  public double serverSeconds() {
    return spec.serverSeconds();
  }

  /** {@code exp(σ·z − σ²/2)}: a lognormal factor of mean 1. */
  private static double lognormalFactor(double sigma, double z) {
    return StrictMath.exp(sigma * z - sigma * sigma / 2);
  }
}
