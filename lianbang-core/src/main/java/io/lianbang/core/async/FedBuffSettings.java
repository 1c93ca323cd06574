package io.lianbang.core.async;

import java.util.Objects;

/**
 * The server side of FedBuff (Nguyen et al., AISTATS 2022).
 *
 * @param bufferSize {@code K}: client updates buffered per server update, &ge; 1 (the paper uses 10)
 * @param maxStaleness updates whose staleness exceeds this are dropped and counted, &ge; 0
 * @param serverLearningRate {@code η_g}, finite and &gt; 0 (1 applies the buffer's mean as is)
 * @param staleness the weight {@code s(τ)} of an update {@code τ} versions stale
 */
public record FedBuffSettings(int bufferSize, int maxStaleness, double serverLearningRate, StalenessWeight staleness) {
  public FedBuffSettings {
    if (bufferSize < 1) throw new IllegalArgumentException("buffer size must be >= 1, got " + bufferSize);
    if (maxStaleness < 0) throw new IllegalArgumentException("max staleness must be >= 0, got " + maxStaleness);
    if (!(serverLearningRate > 0) || !Double.isFinite(serverLearningRate)) {
      throw new IllegalArgumentException("server learning rate must be finite and > 0, got " + serverLearningRate);
    }
    Objects.requireNonNull(staleness, "staleness");
  }
}
