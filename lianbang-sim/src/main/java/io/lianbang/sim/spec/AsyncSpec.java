package io.lianbang.sim.spec;

import io.lianbang.core.async.FedBuffSettings;
import io.lianbang.core.async.StalenessWeight;
import io.lianbang.core.check.Require;

/**
 * Asynchronous federated learning with buffered aggregation, FedBuff (Nguyen et al., AISTATS
 * 2022): up to {@code concurrency} clients train at once, each from the global model current when
 * it starts; the server applies {@code x ← x + η_g · Σ s(τ_i)·Δ_i / K} every {@code K} updates. In
 * an asynchronous simulation {@code rounds} counts server updates and {@code evaluate_every}
 * evaluates every that many of them. Timing comes from the {@link LatencySpec}.
 *
 * @param enabled run FedBuff instead of the synchronous round loop
 * @param bufferSize {@code K}, updates per server update, &ge; 1
 * @param concurrency clients training at once, &ge; 1 and at most {@code partition.num_clients}
 * @param maxStaleness updates more than this many server versions stale are dropped, &ge; 0
 * @param serverLearningRate {@code η_g}, &gt; 0 and at most 1000
 * @param stalenessExponent {@code a} in {@code s(τ) = (1+τ)^(-a)}, in [0, 10]; 0.5 is
 *     {@code 1/√(1+τ)}, 0 weighs all updates equally
 */
public record AsyncSpec(boolean enabled, int bufferSize, int concurrency, int maxStaleness, double serverLearningRate,
                        double stalenessExponent) {
  public AsyncSpec {
    Require.atLeast("async.buffer_size", bufferSize, 1);
    Require.atLeast("async.concurrency", concurrency, 1);
    Require.atLeast("async.max_staleness", maxStaleness, 0);
    if (!(serverLearningRate > 0 && serverLearningRate <= 1000)) {
      throw new IllegalArgumentException("async.server_learning_rate must be in (0, 1000], got " + serverLearningRate);
    }
    if (!(stalenessExponent >= 0 && stalenessExponent <= 10)) {
      throw new IllegalArgumentException("async.staleness_exponent must be in [0, 10], got " + stalenessExponent);
    }
  }

  /** Synchronous rounds (the default), with FedBuff's paper settings ready for {@code enabled: true}. */
  public static AsyncSpec off() {
    return new AsyncSpec(false, 10, 20, 20, 1.0, 0.5);
  }

  /** The server's FedBuff settings. */
  public FedBuffSettings fedBuff() {
    return new FedBuffSettings(bufferSize, maxStaleness, serverLearningRate, new StalenessWeight(stalenessExponent));
  }
}
