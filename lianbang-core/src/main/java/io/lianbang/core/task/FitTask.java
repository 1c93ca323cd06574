package io.lianbang.core.task;

import io.lianbang.core.tensor.Parameters;
import java.util.Objects;

/**
 * Asks a client to train locally, starting from {@code parameters}.
 *
 * @param round the federated round, counted from 1
 * @param parameters the global model to start from
 * @param config training settings chosen by the strategy (e.g. {@code lr}, {@code epochs},
 *     {@code batch_size})
 * @param seed the seed for every random choice the client makes in this task (shuffling,
 *     dropout); derived from the run seed, the round and the client, so runs are reproducible
 */
public record FitTask(int round, Parameters parameters, Config config, long seed) {
  public FitTask {
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(config, "config");
    if (round < 1) throw new IllegalArgumentException("fit task round must be >= 1, got " + round);
  }
}
