package io.lianbang.core.strategy;

/**
 * The check that a strategy has the {@linkplain Strategy#aggregatesWeightedMean() weighted-mean
 * capability}, made by every decorator and configuration that hands it only the round's
 * example-weighted mean (secure aggregation, Paillier aggregation, DP-FedAvg).
 */
public final class WeightedMean {
  private WeightedMean() {}

  /**
   * Checks that {@code what} (a decorator, or the configuration key that enables it) can wrap
   * {@code inner}.
   *
   * @throws IllegalArgumentException naming {@code what} and the strategy if the strategy does not
   *     {@linkplain Strategy#aggregatesWeightedMean() aggregate the weighted mean}
   */
  public static void require(Strategy inner, String what) {
    if (!inner.aggregatesWeightedMean()) {
      throw new IllegalArgumentException(what + " cannot wrap strategy " + inner
          + ": it only sees the weighted mean of the updates, and this strategy needs every individual update"
          + " (use FedAvg or a strategy built on its weighted mean, e.g. FedAvgM, FedAdam, FedYogi, FedAdagrad, FedProx)");
    }
  }
}
