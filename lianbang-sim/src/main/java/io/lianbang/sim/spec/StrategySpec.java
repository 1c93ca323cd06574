package io.lianbang.sim.spec;

import io.lianbang.core.check.Require;
import io.lianbang.core.strategy.registry.StrategyRegistry;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server's algorithm.
 *
 * @param name the strategy, one of {@link #NAMES}
 * @param clientsPerRound clients sampled to train each round, at least 1
 * @param evaluateClientsPerRound clients sampled for federated evaluation each round (0 = none)
 * @param quorum share of the sampled clients whose results must arrive, in (0, 1]
 * @param roundTimeoutSeconds deadline for one round's training, in (0, {@link Seconds#MAX}]
 * @param params the strategy's own hyper-parameters by name (e.g. {@code server_lr}); each
 *     strategy checks the names and ranges it accepts
 */
public record StrategySpec(
    String name, int clientsPerRound, int evaluateClientsPerRound, double quorum, double roundTimeoutSeconds,
    Map<String, Double> params) {
  /** The strategy names a simulation understands: those of the {@link StrategyRegistry}. */
  public static final String[] NAMES = StrategyRegistry.names().toArray(String[]::new);

  public StrategySpec {
    params = params == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(params));
    Require.oneOf("strategy.name", name, NAMES);
    Require.atLeast("strategy.clients_per_round", clientsPerRound, 1);
    Require.atLeast("strategy.evaluate_clients_per_round", evaluateClientsPerRound, 0);
    Require.unitInterval("strategy.quorum", quorum, false);
    Seconds.check("strategy.round_timeout_seconds", roundTimeoutSeconds);
  }
}
