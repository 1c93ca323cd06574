package io.lianbang.bench;

import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.random.Seeds;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.nn.Init;
import io.lianbang.engine.nn.LocalTraining;
import io.lianbang.engine.nn.Model;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.engine.nn.Models;
import io.lianbang.engine.nn.OptimizerConfig;
import io.lianbang.engine.nn.OptimizerType;
import io.lianbang.engine.nn.TrainConfig;
import io.lianbang.sim.Simulation;
import io.lianbang.sim.SimulationResult;
import io.lianbang.sim.spec.DatasetSpec;
import io.lianbang.sim.spec.PartitionKind;
import io.lianbang.sim.spec.PartitionSpec;
import io.lianbang.sim.spec.SimulationSpec;
import io.lianbang.sim.spec.StrategySpec;
import io.lianbang.sim.spec.TrainingSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Cross-device scale in one JVM: a FedAvg simulation of many clients (Fashion-MNIST, the demo MLP
 * 784-200-200-10, the {@code sampled} partition with 10 examples per client, one local epoch of
 * SGD with batch 10, so one step per client), of which {@code PER_ROUND} train each round. Prints
 * each timed round's seconds ({@code round_seconds}), then the median seconds per round (the
 * first round, JIT warm-up, and the last, which evaluates, are left out), and, as the reference measured in the same JVM, the seconds the same number of
 * clients' training alone takes (one reused model per thread, no federation around it); their
 * difference per client is the federation's per-client overhead. Then prints the JVM's peak
 * resident set (VmHWM), the final accuracy and a hash of the final model (equal hashes: the same
 * model bit for bit). Run through {@code bench/cross-device.sh}, one JVM per setting.
 *
 * <pre>
 * CrossDevice CLIENTS PER_ROUND ROUNDS THREADS [FASHION_MNIST_DIR]
 * </pre>
 */
public final class CrossDevice {
  private static final String MODEL = "mlp:784-200-200-10";
  private static final int EXAMPLES_PER_CLIENT = 10;

  private CrossDevice() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 4 && args.length != 5) {
      System.err.println("usage: CrossDevice CLIENTS PER_ROUND ROUNDS THREADS [FASHION_MNIST_DIR]");
      System.exit(2);
    }
    int clients = Integer.parseInt(args[0]);
    int perRound = Integer.parseInt(args[1]);
    int rounds = Integer.parseInt(args[2]);
    int threads = Integer.parseInt(args[3]);
    if (rounds < 3) throw new IllegalArgumentException("ROUNDS must be at least 3 (first and last are not timed), got " + rounds);
    DatasetSpec data = args.length == 5 ? new DatasetSpec("fashion-mnist", Path.of(args[4]), null, "label", 0.2, "none")
        : DatasetSpec.fashionMnist();
    SimulationSpec spec = new SimulationSpec("cross-device", 42, rounds, threads, MODEL, data,
        new PartitionSpec(PartitionKind.SAMPLED, clients, 0.5, 2, 0, EXAMPLES_PER_CLIENT),
        new StrategySpec("fedavg", perRound, 0, 0.5, 600, Map.of()),
        new TrainingSpec(1, 10, OptimizerType.SGD, 0.05, 0.0, 0.0),
        rounds);
    Simulation sim = Simulation.prepare(spec);
    SimulationResult result = sim.run(List.of());
    List<RoundRecord> timed = result.run().history().rounds().stream().filter(r -> r.round() > 1 && r.round() < rounds).toList();
    System.out.println("round_seconds " + timed.stream().map(r -> String.format(Locale.ROOT, "%.3f", r.seconds()))
        .collect(Collectors.joining(" ")));
    double[] seconds = timed.stream().mapToDouble(RoundRecord::seconds).sorted().toArray();
    double round = seconds[seconds.length / 2];
    double train = trainingOnly(sim, perRound, threads, 3);
    double accuracy = result.run().history().rounds().get(result.run().history().rounds().size() - 1)
        .centralized().map(e -> e.metrics().asMap().getOrDefault("accuracy", Double.NaN)).orElse(Double.NaN);
    System.out.printf(Locale.ROOT,
        "result clients %d per_round %d rounds %d threads %d seconds_per_round %.3f training_only_seconds %.3f"
            + " overhead_ms_per_client %.3f peak_rss_mib %.0f final_accuracy %.4f model_hash %08x%n",
        clients, perRound, rounds, threads, round, train, (round - train) * 1000 / perRound, vmHwmMib(), accuracy,
        Arrays.hashCode(result.run().parameters().flatten()));
  }

  /**
   * The median seconds, over {@code repeats} runs, of training {@code perRound} clients' data
   * (the first {@code perRound} clients of the partition) on {@code threads} threads with one
   * model per thread: the training a round does, without the federation.
   */
  private static double trainingOnly(Simulation sim, int perRound, int threads, int repeats) throws Exception {
    ModelSpec spec = ModelSpec.parse(MODEL);
    Parameters start = Models.create(spec, Init.PYTORCH_DEFAULT, 1).parameters();
    List<Dataset> data = new ArrayList<>();
    for (int c = 0; c < perRound; c++) data.add(sim.partition().subset(sim.data().train(), c));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      double[] times = new double[repeats];
      for (int r = 0; r < repeats; r++) {
        long t0 = System.nanoTime();
        List<Future<?>> parts = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
          int worker = w;
          parts.add(pool.submit(() -> {
            Model m = Models.create(spec, Init.PYTORCH_DEFAULT, 1);
            for (int c = worker; c < perRound; c += threads) {
              m.load(start);
              LocalTraining.train(m, data.get(c), new TrainConfig(1, 10, OptimizerConfig.sgd(0.05), Seeds.derive(1, "fit", c)));
              m.parameters();
            }
            return null;
          }));
        }
        for (Future<?> f : parts) f.get();
        times[r] = (System.nanoTime() - t0) / 1e9;
      }
      Arrays.sort(times);
      return times[repeats / 2];
    } finally {
      pool.shutdownNow();
    }
  }

  /** The peak resident set of this JVM in MiB ({@code VmHWM} of /proc/self/status), NaN if unknown. */
  private static double vmHwmMib() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.isReadable(status)) return Double.NaN;
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
    }
    return Double.NaN;
  }
}
