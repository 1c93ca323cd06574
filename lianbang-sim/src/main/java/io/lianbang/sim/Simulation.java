package io.lianbang.sim;

import io.lianbang.core.federation.RoundListener;
import io.lianbang.sim.spec.SimulationSpec;
import java.util.List;

/**
 * A federation of many virtual clients in one JVM, built from a {@link SimulationSpec}.
 *
 * <p>{@link #prepare} loads and partitions the data; {@link #run} trains.
 */
public final class Simulation {
  private final SimulationSpec spec;

  private Simulation(SimulationSpec spec) {
    this.spec = spec;
  }

  /**
   * Loads the dataset and partitions it among the clients.
   *
   * @throws IllegalArgumentException naming the field and value if the data cannot be found or
   *     does not fit the model
   */
  public static Simulation prepare(SimulationSpec spec) {
    throw new UnsupportedOperationException("simulation is being assembled");
  }

  /** A per-client label histogram summary of the partition, for printing. */
  public String partitionSummary() {
    throw new UnsupportedOperationException("simulation is being assembled");
  }

  /** Runs every round, reporting progress to {@code listeners}. */
  public SimulationResult run(List<RoundListener> listeners) throws InterruptedException {
    throw new UnsupportedOperationException("simulation is being assembled " + spec);
  }
}
