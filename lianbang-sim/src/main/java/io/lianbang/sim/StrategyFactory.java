package io.lianbang.sim;

import io.lianbang.core.strategy.CentralEvaluator;
import io.lianbang.core.strategy.FedAvg;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.task.Config;
import io.lianbang.sim.spec.StrategySpec;
import java.util.Set;
import java.util.TreeSet;

/** Builds the strategy a {@link StrategySpec} names, with the hyper-parameters it gives. */
final class StrategyFactory {
  private StrategyFactory() {}

  /**
   * @param fit the training configuration sent to clients every round
   * @param evaluator the centralized evaluation
   * @throws IllegalArgumentException naming the parameter, its value and the valid range if a
   *     hyper-parameter is unknown for the strategy or out of range
   */
  static Strategy create(StrategySpec s, Config fit, CentralEvaluator evaluator) {
    return switch (s.name()) {
      case "fedavg" -> {
        allowOnly(s, Set.of());
        yield configure(FedAvg.builder(), s, fit, evaluator).build();
      }
      default -> throw new IllegalArgumentException("strategy.name is unknown: " + s.name());
    };
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

  private static void allowOnly(StrategySpec s, Set<String> names) {
    for (String k : s.params().keySet()) {
      if (!names.contains(k)) {
        throw new IllegalArgumentException("strategy.params." + k + " is not a parameter of " + s.name()
            + (names.isEmpty() ? " (it takes none)" : " (valid: " + String.join(", ", new TreeSet<>(names)) + ")"));
      }
    }
  }
}
