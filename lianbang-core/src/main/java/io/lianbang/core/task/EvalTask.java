package io.lianbang.core.task;

import io.lianbang.core.tensor.Parameters;
import java.util.Objects;

/**
 * Asks a client to evaluate {@code parameters} on its local data.
 *
 * @param round the federated round, counted from 1
 * @param parameters the model to evaluate
 * @param config evaluation settings chosen by the strategy
 */
public record EvalTask(int round, Parameters parameters, Config config) {
  public EvalTask {
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(config, "config");
  }
}
