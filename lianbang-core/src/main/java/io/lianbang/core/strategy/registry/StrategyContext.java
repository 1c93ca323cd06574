package io.lianbang.core.strategy.registry;

import io.lianbang.core.strategy.FedAvg;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What a strategy is built on besides its own hyper-parameters.
 *
 * @param base a fresh builder with the shared settings (sampling, fit configuration, evaluation)
 *     applied, for each call
 * @param clientsPerRound the number of clients each round counts on, which bounds Krum's and
 *     Bulyan's f and the trimmed mean's β
 * @param momentum the clients' local momentum (FedNova's ρ)
 * @param learningRate the clients' local learning rate (q-FedAvg's L is its inverse)
 * @param threads threads the server may use for aggregation (Krum's distances), at least 1
 */
public record StrategyContext(Supplier<FedAvg.Builder> base, int clientsPerRound, double momentum,
    double learningRate, int threads) {
  public StrategyContext {
    Objects.requireNonNull(base, "base");
  }
}
