package io.lianbang.spark;

import io.lianbang.core.federation.RoundRecord;
import io.lianbang.sim.Simulation;
import io.lianbang.sim.SimulationResult;
import io.lianbang.sim.backend.SimulationBackend;
import io.lianbang.sim.spec.SimulationSpec;
import io.lianbang.sim.spec.StrategySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The benchmark of bench/spark.sh (not a test): the demo setting (Fashion-MNIST, MLP
 * 784-200-200-10, 100 clients, FedAvg) for {@code --rounds} rounds with {@code --clients-per-round}
 * clients, once per backend in one JVM: the in-JVM backend with {@code --threads} threads, then
 * Spark {@code local[1]} and {@code local[2]}. Prints, per backend, rounds per second over the
 * rounds (the round records' seconds: training, aggregation and centralized evaluation), the other
 * seconds of the run (starting the Spark context, shipping the data, the initial evaluation), the ratio to the in-JVM backend,
 * and whether the final model equals the in-JVM one bit for bit.
 *
 * <p>Usage: {@code SparkThroughput [--rounds N] [--clients-per-round K] [--threads T] [--backends local,local[1],local[2]]}
 */
public final class SparkThroughput {
  private SparkThroughput() {}

  public static void main(String[] args) throws Exception {
    int rounds = 5;
    int perRound = 10;
    int threads = 2;
    List<String> backends = List.of("local", "local[1]", "local[2]");
    for (int i = 0; i < args.length; i += 2) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      if (v == null) throw new IllegalArgumentException(args[i] + " needs a value");
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(v);
        case "--clients-per-round" -> perRound = Integer.parseInt(v);
        case "--threads" -> threads = Integer.parseInt(v);
        case "--backends" -> backends = Arrays.asList(v.split(","));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    SimulationSpec d = SimulationSpec.demo();
    StrategySpec s = d.strategy();
    SimulationSpec spec = new SimulationSpec(d.name(), d.seed(), rounds, threads, d.model(), d.dataset(), d.partition(),
        new StrategySpec(s.name(), perRound, s.evaluateClientsPerRound(), s.quorum(), s.roundTimeoutSeconds(), s.params()),
        d.training(), d.evaluateEvery());
    Simulation sim = Simulation.prepare(spec);
    System.out.printf(Locale.ROOT, "demo setting: %d rounds, %d of %d clients per round, %s, %d threads, kernels %s%n",
        rounds, perRound, spec.partition().numClients(), spec.model(), threads, Simulation.kernels());
    System.out.println("| backend | rounds/s | setup s | ratio to local | final model equal to local |");
    System.out.println("|---|---:|---:|---:|---|");
    double reference = Double.NaN;
    float[] referenceModel = null;
    for (String b : backends) {
      long start = System.nanoTime();
      SimulationResult r = b.equals("local")
          ? SimulationBackend.named("local").run(sim, Map.of(), List.of())
          : SimulationBackend.named("spark").run(sim, Map.of(SparkSettings.MASTER, b), List.of());
      double total = (System.nanoTime() - start) / 1e9;
      double roundSeconds = 0;
      for (RoundRecord rec : r.run().history().rounds()) if (rec.round() > 0) roundSeconds += rec.seconds();
      double perSecond = rounds / roundSeconds;
      float[] model = r.run().parameters().flatten();
      if (b.equals("local")) {
        reference = perSecond;
        referenceModel = model;
      }
      String equal = referenceModel == null ? "n/a" : Arrays.equals(floatBits(referenceModel), floatBits(model)) ? "yes" : "NO";
      String row = String.format(Locale.ROOT, "| %s | %.3f | %.1f | %.2f | %s |", b, perSecond, total - roundSeconds,
          perSecond / reference, equal);
      System.out.println(row);
    }
  }

  private static int[] floatBits(float[] v) {
    int[] out = new int[v.length];
    for (int i = 0; i < v.length; i++) out[i] = Float.floatToRawIntBits(v[i]);
    return out;
  }
}
