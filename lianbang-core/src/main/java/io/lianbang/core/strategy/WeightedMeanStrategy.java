package io.lianbang.core.strategy;

/**
 * Marks a strategy whose round aggregate depends on the results only through their weighted mean
 * (weights are the example counts), possibly followed by a server-side update such as a server
 * optimizer step. FedAvg and the strategies built on its mean are such strategies; robust
 * aggregators (median, trimmed mean, Krum), which need every individual update, are not and must
 * not implement this.
 *
 * <p>Privacy decorators rely on the contract: secure aggregation and differential privacy compute
 * the (masked or noised) mean themselves and hand it to the strategy's aggregation as one result
 * whose example count is the total weight; the strategy's outcome must then be what it would have
 * been for the individual results with that mean.
 */
public interface WeightedMeanStrategy extends Strategy {}
