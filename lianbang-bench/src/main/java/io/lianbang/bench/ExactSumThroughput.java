package io.lianbang.bench;

import io.lianbang.core.aggregate.ConcurrentExactSum;
import io.lianbang.core.simd.VectorApi;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * JMH benchmark of folding one client's result into FedAvg's exact sum, one thread: the model of
 * the demo and of {@code bench/cross-device.sh} (MLP 784-200-200-10, 199,210 values, normal values
 * of standard deviation 0.05 as trained weights have), weight 10 (10 examples). Compares the
 * plain 128-bit accumulator (a server's single partial sum) with the buffered one a simulation's
 * partial sums use (a {@link ConcurrentExactSum} of more than one stripe), in the same run. Run
 * by {@code bench/exact-sum.sh}; {@link #main} prints nanoseconds per model value and the ratio.
 *
 * <pre>
 * java -cp ... io.lianbang.bench.ExactSumThroughput [--warmups 3] [--iterations 5] [--seconds 1] [--forks 1]
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ExactSumThroughput {
  private static final int[][] SHAPES = {{200, 784}, {200}, {200, 200}, {200}, {10, 200}, {10}};
  private static final int VALUES = 199_210;

  /** {@code plain} (one stripe) or {@code buffered} (a partial sum of a two-stripe sum, used by one thread). */
  @Param({"plain", "buffered"})
  public String accumulator;

  private final List<Parameters> results = new ArrayList<>();
  private ConcurrentExactSum sum;
  private int next;

  /** Eight results to cycle through, and an empty sum. */
  @Setup
  public void setUp() {
    SplittableRandom r = new SplittableRandom(1);
    for (int k = 0; k < 8; k++) {
      List<Tensor> tensors = new ArrayList<>();
      for (int[] shape : SHAPES) {
        float[] v = new float[shape.length == 1 ? shape[0] : shape[0] * shape[1]];
        for (int i = 0; i < v.length; i++) v[i] = (float) (r.nextGaussian() * 0.05);
        tensors.add(Tensor.of(shape, v));
      }
      results.add(Parameters.of(tensors));
    }
    sum = new ConcurrentExactSum(results.get(0), switch (accumulator) {
      case "plain" -> 1;
      case "buffered" -> 2;
      default -> throw new IllegalArgumentException("accumulator must be plain or buffered, got " + accumulator);
    });
  }

  /** Folds the next result in (the sum wraps modulo 2^128 if it ever must; the work is the same). */
  @Benchmark
  public ConcurrentExactSum add() {
    sum.add(results.get(next++ & 7), 10);
    return sum;
  }

  /** Runs both accumulators and prints nanoseconds per model value and buffered / plain. */
  public static void main(String[] args) throws Exception {
    Map<String, String> opt = JmhCommandLine.parse(args, Map.of("--warmups", "3", "--iterations", "5", "--seconds", "1", "--forks", "1"));
    var options = JmhCommandLine.timing(new OptionsBuilder().include(ExactSumThroughput.class.getName() + "\\."), opt)
        .jvmArgs("-Xmx1g", "--add-modules", "jdk.incubator.vector")
        .build();
    Map<String, double[]> us = new LinkedHashMap<>();
    for (RunResult r : new Runner(options).run()) {
      us.put(r.getParams().getParam("accumulator"), new double[] {r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
    }
    System.out.printf(Locale.ROOT, "%nmodel of %d values, weight 10, 1 thread, java %s, %s kernel%n", VALUES,
        System.getProperty("java.version"), VectorApi.selected() ? "Vector API" : "scalar");
    System.out.println("| accumulator | µs per result | ns per value |");
    System.out.println("|---|---:|---:|");
    for (var e : us.entrySet()) {
      double[] t = e.getValue();
      System.out.printf(Locale.ROOT, "| %s | %.1f ± %.1f | %.3f |%n", e.getKey(), t[0], t[1], t[0] * 1000 / VALUES);
    }
    if (us.containsKey("plain") && us.containsKey("buffered")) {
      System.out.printf(Locale.ROOT, "buffered / plain: %.2f%n", us.get("buffered")[0] / us.get("plain")[0]);
    }
  }
}
