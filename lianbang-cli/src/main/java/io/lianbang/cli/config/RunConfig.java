package io.lianbang.cli.config;

import io.lianbang.sim.spec.SimulationSpec;
import java.util.Objects;

/**
 * A run's YAML configuration as read: the validated simulation, bound directly onto the {@link
 * SimulationSpec} records, and its {@code output} section, which is not part of the simulation.
 *
 * @param spec the simulation
 * @param output where the run's outputs go
 */
public record RunConfig(SimulationSpec spec, OutputConfig output) {
  public RunConfig {
    Objects.requireNonNull(spec, "spec");
    output = output == null ? new OutputConfig(null) : output;
  }
}
