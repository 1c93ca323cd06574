package io.lianbang.sim;

import io.lianbang.core.strategy.CentralEvaluator;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.strategy.registry.StrategyContext;
import io.lianbang.core.strategy.registry.StrategyRegistry;
import io.lianbang.core.task.Config;
import io.lianbang.sim.spec.StrategySpec;
import io.lianbang.sim.spec.TrainingSpec;
import java.util.function.Supplier;

/**
 * Builds the strategy a {@link StrategySpec} names, with the hyper-parameters of
 * {@code strategy.params}, through the {@link StrategyRegistry}, which declares every strategy's
 * parameters, defaults and ranges.
 */
public final class StrategyFactory {
  private StrategyFactory() {}

  /**
   * A simulation's strategy: exactly {@code s.clientsPerRound()} clients per round, {@code fit}
   * sent to each, centralized evaluation by {@code evaluator}; otherwise as
   * {@link #create(StrategySpec, TrainingSpec, Supplier, String, int)}.
   */
  static Strategy create(StrategySpec s, TrainingSpec training, Config fit, CentralEvaluator evaluator, int threads) {
    return create(s, training, () -> configure(FedAvg.builder(), s, fit, evaluator), "clients_per_round", threads);
  }

  /**
   * The strategy {@code s} names, built on the shared settings (sampling, fit configuration,
   * evaluation) that {@code base} gives, as a federation server does for the clients that dial in.
   * {@code s.clientsPerRound()} is the number of clients each round counts on, which bounds
   * Krum's and Bulyan's f and the trimmed mean's β.
   *
   * @param training the clients' local training (FedNova's ρ, q-FedAvg's L)
   * @param base a fresh builder with the shared settings applied, for each call
   * @param countKey the configuration key that sets {@code s.clientsPerRound()}, for error messages
   * @param threads threads the server may use for aggregation (Krum's distances)
   * @throws IllegalArgumentException naming the parameter, its value and the valid range if a
   *     hyper-parameter is unknown for the strategy or out of range
   */
  public static Strategy create(StrategySpec s, TrainingSpec training, Supplier<FedAvg.Builder> base, String countKey,
      int threads) {
    return StrategyRegistry.create(s.name(), s.params(),
        new StrategyContext(base, s.clientsPerRound(), countKey, training.momentum(), training.learningRate(), threads));
  }

  /** Applies the settings every strategy shares: exact per-round sample sizes, config, evaluation. */
  static <B extends FedAvg.Builder> B configure(B b, StrategySpec s, Config fit, CentralEvaluator evaluator) {
    b.fractionFit(0).minFitClients(s.clientsPerRound())
        .fractionEvaluate(0).minEvaluateClients(s.evaluateClientsPerRound())
        .minAvailableClients(s.clientsPerRound())
        .fitConfig(round -> fit)
        .centralEvaluator(evaluator);
    return b;
  }
}
