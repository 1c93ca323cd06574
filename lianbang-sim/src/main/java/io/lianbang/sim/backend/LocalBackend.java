package io.lianbang.sim.backend;

import io.lianbang.core.federation.RoundListener;
import io.lianbang.sim.Simulation;
import io.lianbang.sim.SimulationResult;
import io.lianbang.sim.spec.SimulationSpec;
import java.util.List;
import java.util.Map;

/** The default backend: every client trains on a worker thread of this JVM ({@link Simulation#run(List)}). */
public final class LocalBackend implements SimulationBackend {
  @Override
  public String name() {
    return DEFAULT;
  }

  /** Runs anything a {@link SimulationSpec} describes. */
  @Override
  public void requireSupported(SimulationSpec spec) {}

  @Override
  public SimulationResult run(Simulation simulation, Map<String, String> settings, List<RoundListener> listeners)
      throws InterruptedException {
    return simulation.run(listeners);
  }
}
