package io.lianbang.core.strategy;

import io.lianbang.core.task.Config;
import io.lianbang.core.tensor.Parameters;
import java.util.Objects;

/**
 * What a strategy asks of one client in one round: the parameters to start from and the
 * configuration to use. The federation turns it into a task with the round and a derived seed.
 */
public record ClientInstruction(String clientId, Parameters parameters, Config config) {
  public ClientInstruction {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(config, "config");
  }

  /** This instruction with {@code key: value} in its configuration (replacing an entry of that key). */
  public ClientInstruction withConfig(String key, Object value) {
    return new ClientInstruction(clientId, parameters, config.with(key, value));
  }
}
