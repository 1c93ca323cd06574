package io.lianbang.core.federation;

import io.lianbang.core.tensor.Parameters;
import java.util.Objects;

/**
 * The state of a federation after a completed round: everything the round loop needs to continue
 * as if it had never stopped. Random choices need no saved generator state because each derives
 * from (seed, round, client) through {@link io.lianbang.core.random.Seeds}.
 *
 * @param seed the run seed; a resumed run must use the same one
 * @param rounds the total number of rounds of the run
 * @param round the last completed round (0 if only the initial model was evaluated)
 * @param parameters the global model after {@code round}
 * @param history the records of rounds 0..{@code round}
 * @param strategyState the strategy's exported state, empty for a stateless strategy
 */
public record Checkpoint(long seed, int rounds, int round, Parameters parameters, History history, byte[] strategyState) {
  public Checkpoint {
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(strategyState, "strategyState");
    if (round < 0 || round > rounds) {
      throw new IllegalArgumentException("checkpoint round must be in [0, " + rounds + "], got " + round);
    }
    strategyState = strategyState.clone();
  }

  @Override
  public byte[] strategyState() {
    return strategyState.clone();
  }
}
