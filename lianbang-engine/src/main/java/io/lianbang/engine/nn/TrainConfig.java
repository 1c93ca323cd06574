package io.lianbang.engine.nn;

/**
 * Settings for {@link LocalTraining}.
 *
 * @param epochs    passes over the data, {@code >= 1}
 * @param batchSize examples per step, {@code >= 1}; the last batch of an epoch may be smaller
 * @param optimizer the optimizer (a fresh one per training run)
 * @param seed      seed of the shuffling generator
 */
public record TrainConfig(int epochs, int batchSize, OptimizerConfig optimizer, long seed) {
  /**
   * @throws IllegalArgumentException naming the field and value if a setting is out of range
   */
  public TrainConfig {
    if (epochs < 1) throw new IllegalArgumentException("train epochs must be >= 1, got " + epochs);
    if (batchSize < 1) throw new IllegalArgumentException("train batchSize must be >= 1, got " + batchSize);
    if (optimizer == null) throw new IllegalArgumentException("train optimizer must not be null");
  }
}
