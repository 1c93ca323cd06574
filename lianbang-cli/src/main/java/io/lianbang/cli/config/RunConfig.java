package io.lianbang.cli.config;

import io.lianbang.sim.spec.SimulationSpec;
import java.util.Objects;

/**
 * A run's YAML configuration as read: the validated simulation, bound directly onto the {@link
 * SimulationSpec} records, and its {@code output} and {@code store} sections, which are not part of
 * the simulation.
 *
 * @param spec the simulation
 * @param output where the run's outputs go
 * @param store whether and where the run is recorded
 */
public record RunConfig(SimulationSpec spec, OutputConfig output, StoreConfig store) {
  public RunConfig {
    Objects.requireNonNull(spec, "spec");
    output = output == null ? new OutputConfig(null) : output;
    store = store == null ? StoreConfig.defaults() : store;
  }

  /** A configuration recorded in the default store. */
  public RunConfig(SimulationSpec spec, OutputConfig output) {
    this(spec, output, null);
  }
}
