package io.lianbang.spark;

import io.lianbang.core.federation.RoundListener;
import io.lianbang.sim.Simulation;
import io.lianbang.sim.SimulationResult;
import io.lianbang.sim.backend.SimulationBackend;
import io.lianbang.sim.spec.DpMode;
import io.lianbang.sim.spec.SimulationSpec;
import io.lianbang.core.aggregate.ExactWeightedSum;
import io.lianbang.engine.client.EngineClient;
import java.security.CodeSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The {@code spark} simulation backend: each round's sampled clients train on Spark executors, one
 * Spark job per round (see {@link SparkRounds}), with the in-JVM backend's engine, seeds and
 * configuration, and their updates are summed exactly; the server side (sampling, aggregation's
 * final division, centralized evaluation) runs on the driver as with the in-JVM backend. A run is
 * therefore bit-identical to the in-JVM run of the same configuration and seed, whatever the
 * master, the number of executors or partitions.
 *
 * <p>Supported: strategies {@code fedavg} and {@code fedprox}, without privacy, compression,
 * attacks, heterogeneous local work or federated evaluation; anything else is refused before Spark
 * starts, naming the key. Reference for the execution model: M. Zaharia et al., "Resilient
 * Distributed Datasets: A Fault-Tolerant Abstraction for In-Memory Cluster Computing", NSDI 2012.
 */
public final class SparkBackend implements SimulationBackend {
  /** This backend's name. */
  public static final String NAME = "spark";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void requireSupported(SimulationSpec spec) {
    String strategy = spec.strategy().name();
    if (!strategy.equals("fedavg") && !strategy.equals("fedprox")) {
      throw unsupported("strategy.name " + strategy + " (supported: fedavg, fedprox)");
    }
    if (spec.strategy().evaluateClientsPerRound() != 0) {
      throw unsupported("strategy.evaluate_clients_per_round " + spec.strategy().evaluateClientsPerRound() + " (must be 0)");
    }
    if (spec.privacy().secagg().enabled()) throw unsupported("privacy.secagg.enabled true");
    if (spec.privacy().paillier().enabled()) throw unsupported("privacy.paillier.enabled true");
    if (spec.privacy().dp().mode() != DpMode.NONE) throw unsupported("privacy.dp.mode " + spec.privacy().dp().mode());
    if (spec.compression().active()) throw unsupported("compression (must be none)");
    if (spec.attack().active()) throw unsupported("attack.kind " + spec.attack().kind());
    if (spec.training().heterogeneous()) {
      throw unsupported("training.local_epochs_max " + spec.training().localEpochsMax() + " (heterogeneous local work)");
    }
    if (spec.async().enabled()) throw unsupported("async.enabled true");
    if (spec.latency().active()) throw unsupported("latency.kind " + spec.latency().kind());
  }

  /**
   * The jars holding the classes executors run (this module, the simulation, the engine, the
   * core), comma-separated, for {@code spark.jars} on a cluster; empty when they are class
   * directories (a build tree), which the cluster must then get otherwise.
   */
  static String lianbangJars() {
    Set<String> jars = new LinkedHashSet<>();
    for (Class<?> c : List.of(SparkBackend.class, Simulation.class, EngineClient.class, ExactWeightedSum.class)) {
      CodeSource source = c.getProtectionDomain().getCodeSource();
      if (source == null || source.getLocation() == null) continue;
      String path = source.getLocation().getPath();
      if (path.endsWith(".jar")) jars.add(path);
    }
    return String.join(",", jars);
  }

  private static IllegalArgumentException unsupported(String what) {
    return new IllegalArgumentException("backend spark does not support " + what);
  }

  /**
   * Starts a Spark context for {@code settings}' master ({@link SparkSettings#MASTER}), runs
   * {@code simulation} on it and stops it. A master already set in the environment
   * ({@code spark-submit}) is used when the settings name none; without either, {@code local[*]}.
   * The Spark UI is off unless {@code spark.ui.enabled} is set. On a cluster, the jars holding
   * Lianbang's classes go to {@code spark.jars} unless it is set.
   */
  @Override
  public SimulationResult run(Simulation simulation, Map<String, String> settings, List<RoundListener> listeners)
      throws InterruptedException {
    requireSupported(simulation.spec());
    SparkSettings s = SparkSettings.from(settings);
    SparkConf conf = new SparkConf().setAppName("lianbang " + simulation.spec().name());
    if (s.master() != null) conf.setMaster(s.master());
    conf.setIfMissing("spark.master", "local[*]");
    conf.setIfMissing("spark.ui.enabled", "false");
    if (conf.get("spark.master").startsWith("local")) {
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    } else {
      String jars = lianbangJars();
      if (!jars.isEmpty()) conf.setIfMissing("spark.jars", jars);
    }
    try (JavaSparkContext sc = new JavaSparkContext(conf); SparkRounds rounds = new SparkRounds(sc, simulation, s)) {
      return simulation.run(listeners, rounds);
    }
  }
}
