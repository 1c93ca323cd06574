package io.lianbang.sim.backend;

import io.lianbang.core.federation.RoundListener;
import io.lianbang.sim.Simulation;
import io.lianbang.sim.SimulationResult;
import io.lianbang.sim.spec.SimulationSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Where a simulation's clients train: {@code local} (the default, {@link LocalBackend}) trains them
 * on threads of this JVM; other backends, found with {@link ServiceLoader} by {@link #name()},
 * train them elsewhere ({@code spark}, in the optional module {@code lianbang-spark}, as one Spark
 * job per round). The server side, the round loop, sampling, aggregation and centralized
 * evaluation, stays in this JVM whatever the backend, so a backend that trains the same clients
 * with the same seeds and sums exactly gives the same run bit for bit.
 *
 * <p>Implementations have a public no-argument constructor and are listed in
 * {@code META-INF/services/io.lianbang.sim.backend.SimulationBackend}.
 */
public interface SimulationBackend {
  /** The backend of a simulation that names none. */
  String DEFAULT = "local";

  /** The name a configuration selects this backend by, e.g. {@code local} or {@code spark}. */
  String name();

  /**
   * Refuses a simulation this backend cannot run as specified.
   *
   * @throws IllegalArgumentException naming the configuration key and its value
   */
  void requireSupported(SimulationSpec spec);

  /**
   * Runs every round of {@code simulation}, reporting progress to {@code listeners}.
   *
   * @param settings this backend's settings by key (e.g. {@code spark.master}); keys another
   *     backend reads are ignored
   * @throws IllegalArgumentException naming the key if a setting is invalid or the spec unsupported
   */
  SimulationResult run(Simulation simulation, Map<String, String> settings, List<RoundListener> listeners)
      throws InterruptedException;

  /**
   * The backend called {@code name} on the class path.
   *
   * @throws IllegalArgumentException naming the backend and those available if there is none of
   *     that name; for {@code spark}, saying that the {@code lianbang-spark} module is missing
   */
  static SimulationBackend named(String name) {
    List<String> found = new ArrayList<>();
    for (SimulationBackend b : ServiceLoader.load(SimulationBackend.class, SimulationBackend.class.getClassLoader())) {
      if (b.name().equals(name)) return b;
      found.add(b.name());
    }
    String hint = "spark".equals(name) ? "; backend spark needs the lianbang-spark module (and Spark) on the classpath" : "";
    throw new IllegalArgumentException("backend " + io.lianbang.core.text.Abbreviation.abbreviate(name)
        + " is not available (available: " + String.join(", ", found) + ")" + hint);
  }
}
