package io.lianbang.cli.run;

import io.lianbang.core.federation.RoundListener;
import io.lianbang.engine.data.Standardizer;
import io.lianbang.sim.Simulation;
import io.lianbang.sim.SimulationResult;
import io.lianbang.sim.backend.LocalBackend;
import io.lianbang.sim.backend.SimulationBackend;
import io.lianbang.sim.spec.SimulationSpec;
import java.util.List;
import java.util.Map;

/** Prepares simulations for the CLI; a seam so that the commands can be tested without training. */
@FunctionalInterface
public interface Simulator {
  /**
   * Loads and partitions the data for {@code spec}.
   *
   * @throws IllegalArgumentException naming the field and value if the data cannot be used
   */
  Prepared prepare(SimulationSpec spec);

  /** A simulation ready to run. */
  interface Prepared {
    /** A summary of the partition, for printing. */
    String partitionSummary();

    /** Runs every round, reporting progress to {@code listeners}. */
    SimulationResult run(List<RoundListener> listeners) throws InterruptedException;

    /** The feature scaler the model's inputs go through ({@link Simulation#scaler()}), or null for none. */
    default Standardizer scaler() {
      return null;
    }
  }

  /** The real thing: {@link Simulation}, its clients training on this JVM's threads. */
  static Simulator standard() {
    return on(new LocalBackend(), Map.of());
  }

  /**
   * {@link Simulation}s whose clients train on {@code backend}, configured with {@code settings}
   * (e.g. {@code spark.master}); {@link #prepare} refuses, naming the key, what the backend does
   * not support.
   */
  static Simulator on(SimulationBackend backend, Map<String, String> settings) {
    Map<String, String> copy = Map.copyOf(settings);
    return spec -> {
      backend.requireSupported(spec);
      Simulation sim = Simulation.prepare(spec);
      return new Prepared() {
        @Override
        public String partitionSummary() {
          return sim.partitionSummary();
        }

        @Override
        public SimulationResult run(List<RoundListener> listeners) throws InterruptedException {
          return backend.run(sim, copy, listeners);
        }

        @Override
        public Standardizer scaler() {
          return sim.scaler();
        }
      };
    };
  }
}
