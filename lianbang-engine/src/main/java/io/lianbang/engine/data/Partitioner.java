package io.lianbang.engine.data;

import io.lianbang.core.random.SplitMix64;

/**
 * Splits a dataset among simulated clients. Implementations are deterministic: the same dataset
 * and seed give the same {@link Partition} on any machine, JDK and thread count (they draw from
 * {@link SplitMix64} and compute with {@link StrictMath}). Implementations are immutable and
 * thread-safe.
 *
 * <p>Available: {@link IidPartitioner}, {@link DirichletPartitioner} (label skew),
 * {@link ShardPartitioner} (McMahan et al. shards), {@link QuantitySkewPartitioner},
 * {@link SampledPartitioner} (cross-device: clients may share examples).
 */
public interface Partitioner {
  /**
   * Assigns examples of {@code data} to clients.
   *
   * @throws IllegalArgumentException if the dataset does not suit the configuration (for example
   *     fewer examples than clients); the message names the field and value
   * @throws IllegalStateException if a randomised constraint could not be met within the
   *     configured number of attempts
   */
  Partition partition(Dataset data, long seed);
}
