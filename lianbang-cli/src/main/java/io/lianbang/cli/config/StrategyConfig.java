package io.lianbang.cli.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.lianbang.sim.spec.SimulationSpec;
import io.lianbang.sim.spec.StrategySpec;
import java.util.TreeMap;

/** The {@code strategy} section. */
@JsonPropertyOrder({"name", "clients_per_round", "evaluate_clients_per_round", "quorum", "round_timeout_seconds", "params"})
public final class StrategyConfig {
  public String name;
  public int clientsPerRound;
  public int evaluateClientsPerRound;
  public double quorum;
  public double roundTimeoutSeconds;
  public TreeMap<String, Double> params;

  /** The demo's strategy. */
  public StrategyConfig() {
    this(SimulationSpec.demo().strategy());
  }

  StrategyConfig(StrategySpec spec) {
    name = spec.name();
    clientsPerRound = spec.clientsPerRound();
    evaluateClientsPerRound = spec.evaluateClientsPerRound();
    quorum = spec.quorum();
    roundTimeoutSeconds = spec.roundTimeoutSeconds();
    params = new TreeMap<>(spec.params());
  }

  StrategySpec toSpec() {
    return new StrategySpec(name, clientsPerRound, evaluateClientsPerRound, quorum, roundTimeoutSeconds, params);
  }
}
