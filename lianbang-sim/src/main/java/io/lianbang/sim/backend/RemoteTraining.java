package io.lianbang.sim.backend;

import io.lianbang.core.federation.ClientPool;
import io.lianbang.core.strategy.Strategy;
import java.util.List;

/**
 * How a backend that trains clients outside this JVM plugs into a {@link io.lianbang.sim.Simulation}:
 * the pool through which the federation reaches the clients, and the strategy adapted to it (for
 * instance one that receives each round's aggregate from the backend instead of every update).
 * Everything else, the round loop, sampling, seeds, deadlines and centralized evaluation, is the
 * simulation's own.
 */
public interface RemoteTraining {
  /** The pool of the simulation's clients, whose ids are {@code clientIds} (client {@code i} has id {@code clientIds.get(i)}). */
  ClientPool clients(List<String> clientIds);

  /** The strategy the federation runs: {@code strategy}, the one the simulation built, adapted to this backend. */
  Strategy strategy(Strategy strategy);
}
