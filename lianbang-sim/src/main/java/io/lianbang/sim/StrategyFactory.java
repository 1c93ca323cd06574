package io.lianbang.sim;

import io.lianbang.core.strategy.CentralEvaluator;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.strategy.WeightedMean;
import io.lianbang.core.strategy.registry.StrategyContext;
import io.lianbang.core.strategy.registry.StrategyRegistry;
import io.lianbang.core.task.Config;
import io.lianbang.sim.spec.DpMode;
import io.lianbang.sim.spec.PrivacySpec;
import io.lianbang.sim.spec.StrategySpec;
import io.lianbang.sim.spec.TrainingSpec;

/**
 * Builds the strategy a {@link StrategySpec} names, with the hyper-parameters of
 * {@code strategy.params}, through the {@link StrategyRegistry}, which declares every strategy's
 * parameters, defaults and ranges.
 */
public final class StrategyFactory {
  private StrategyFactory() {}

  /**
   * The strategy {@code s} names, as a simulation and a federation server run it: exactly
   * {@code s.clientsPerRound()} clients sampled to train each round (which also bounds Krum's and
   * Bulyan's f and the trimmed mean's β) and {@code s.evaluateClientsPerRound()} to evaluate,
   * {@code fit} sent to each.
   *
   * @param training the clients' local training (FedNova's ρ, q-FedAvg's L)
   * @param evaluator centralized evaluation, or null for none
   * @param threads threads the server may use for aggregation (Krum's distances)
   * @throws IllegalArgumentException naming the parameter, its value and the valid range if a
   *     hyper-parameter is unknown for the strategy or out of range
   */
  public static Strategy create(StrategySpec s, TrainingSpec training, Config fit, CentralEvaluator evaluator, int threads) {
    return create(s, training, fit, evaluator, threads, 1);
  }

  /**
   * As {@link #create(StrategySpec, TrainingSpec, Config, CentralEvaluator, int)}, with FedAvg's
   * {@link FedAvg.Builder#parallelFolds} (and that of the strategies built on it).
   */
  public static Strategy create(StrategySpec s, TrainingSpec training, Config fit, CentralEvaluator evaluator, int threads,
      int parallelFolds) {
    return StrategyRegistry.create(s.name(), s.params(),
        new StrategyContext(() -> configure(FedAvg.builder(), s, fit, evaluator).parallelFolds(parallelFolds),
            s.clientsPerRound(), training.momentum(), training.learningRate(), threads));
  }

  /**
   * Checks that {@code strategy} can run under {@code privacy}, as {@code simulate} and a
   * federation server both do before anything starts: secure aggregation, Paillier aggregation
   * and DP-FedAvg ({@code privacy.dp.mode} server or client) see only the weighted mean of the
   * updates.
   *
   * @throws IllegalArgumentException naming the privacy key and the strategy otherwise
   */
  public static void requireCompatible(Strategy strategy, PrivacySpec privacy) {
    if (privacy.secagg().enabled()) WeightedMean.require(strategy, "privacy.secagg");
    if (privacy.paillier().enabled()) WeightedMean.require(strategy, "privacy.paillier");
    DpMode dp = privacy.dp().mode();
    if (dp == DpMode.SERVER || dp == DpMode.CLIENT) WeightedMean.require(strategy, "privacy.dp.mode " + dp);
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
