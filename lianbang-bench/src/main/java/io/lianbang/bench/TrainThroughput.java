package io.lianbang.bench;

import io.lianbang.engine.data.Dataset;
import io.lianbang.engine.kernel.Kernels;
import io.lianbang.engine.nn.LocalTraining;
import io.lianbang.engine.nn.Model;
import io.lianbang.engine.nn.Models;
import io.lianbang.engine.nn.OptimizerConfig;
import io.lianbang.engine.nn.TrainConfig;
import io.lianbang.engine.nn.TrainResult;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * End-to-end training throughput of the engine: one model trained for some epochs with SGD
 * (lr 0.05) on 60,000 Fashion-MNIST-shaped examples.
 *
 * <pre>
 * ./mvnw -q -o -pl lianbang-core,lianbang-engine,lianbang-bench install -DskipTests
 * java --add-modules jdk.incubator.vector \
 *   -cp lianbang-bench/target/classes:lianbang-engine/target/classes:lianbang-core/target/classes \
 *   io.lianbang.bench.TrainThroughput --model mlp --batch 64 --threads 2 --epochs 1 --warmup-batches 300
 * </pre>
 *
 * Options: {@code --model mlp|lenet} (mlp is 784-200-200-10), {@code --batch N}, {@code --threads T},
 * {@code --epochs E}, {@code --warmup-batches K}, {@code --data DIR} (a directory with
 * {@code train-images-idx3-ubyte.gz} and {@code train-labels-idx1-ubyte.gz}; without it, seeded
 * random inputs are used), {@code --seed S}, {@code --samples N} (train on the first N examples only). Prints information lines, then exactly one final
 * line {@code samples_per_sec=<float>}.
 */
public final class TrainThroughput {
  private TrainThroughput() {}

  public static void main(String[] args) throws IOException {
    String model = "mlp";
    int batch = 64;
    int threads = 1;
    int epochs = 1;
    int warmup = 200;
    long seed = 1;
    int samples = 0;
    Path data = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) throw new IllegalArgumentException("option " + a + " needs a value");
      String v = args[++i];
      switch (a) {
        case "--model" -> model = v;
        case "--batch" -> batch = Integer.parseInt(v);
        case "--threads" -> threads = Integer.parseInt(v);
        case "--epochs" -> epochs = Integer.parseInt(v);
        case "--warmup-batches" -> warmup = Integer.parseInt(v);
        case "--data" -> data = Path.of(v);
        case "--seed" -> seed = Long.parseLong(v);
        case "--samples" -> samples = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    String spec = switch (model) {
      case "mlp" -> "mlp:784-200-200-10";
      case "lenet" -> "lenet";
      default -> throw new IllegalArgumentException("--model must be mlp or lenet, got " + model);
    };
    Dataset train = load(data, model.equals("lenet"), seed);
    if (samples > 0 && samples < train.size()) {
      train = train.subset(firstN(samples)); // the training order is shuffled per epoch anyway
    }
    Model m = Models.create(spec, seed).threads(threads);
    OptimizerConfig sgd = OptimizerConfig.sgd(0.05);
    System.out.println("java " + Runtime.version() + ", kernels " + Kernels.get().name()
        + ", cpus " + Runtime.getRuntime().availableProcessors());
    System.out.println("model " + m);
    System.out.println("data " + train + (data != null ? " from " + data : " (random)"));
    System.out.println("batch " + batch + ", threads " + threads + ", epochs " + epochs + ", warmup batches " + warmup);

    if (warmup > 0) {
      int warmN = Math.min(train.size(), warmup * batch);
      Dataset w = train.subset(firstN(warmN));
      long t0 = System.nanoTime();
      LocalTraining.train(m, w, new TrainConfig(1, batch, sgd, seed + 1));
      System.out.printf(Locale.ROOT, "warmup %d examples in %.2f s%n", warmN, (System.nanoTime() - t0) / 1e9);
      m = Models.create(spec, seed).threads(threads);
    }
    long t0 = System.nanoTime();
    TrainResult r = LocalTraining.train(m, train, new TrainConfig(epochs, batch, sgd, seed + 2));
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.printf(Locale.ROOT, "trained %d examples in %.3f s, mean loss %.4f%n", r.examplesSeen(), secs, r.meanLoss());
    if (data != null) {
      System.out.printf(Locale.ROOT, "train accuracy %.4f%n", m.evaluate(train).accuracy());
    }
    System.out.printf(Locale.ROOT, "samples_per_sec=%.1f%n", r.examplesSeen() / secs);
  }

  private static int[] firstN(int n) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) idx[i] = i;
    return idx;
  }

  private static Dataset load(Path dir, boolean image, long seed) throws IOException {
    int[] shape = image ? new int[] {1, 28, 28} : new int[] {784};
    if (dir == null) {
      int n = 60_000;
      SplittableRandom r = new SplittableRandom(seed);
      float[] x = new float[n * 784];
      for (int i = 0; i < x.length; i++) x[i] = (float) r.nextDouble();
      int[] y = new int[n];
      for (int i = 0; i < n; i++) y[i] = r.nextInt(10);
      return Dataset.classification(x, shape, y, 10);
    }
    float[] x;
    int[] y;
    try (DataInputStream in = open(dir.resolve("train-images-idx3-ubyte.gz"))) {
      if (in.readInt() != 0x803) throw new IOException("not an IDX image file: " + dir);
      int n = in.readInt();
      int rows = in.readInt();
      int cols = in.readInt();
      byte[] raw = in.readNBytes(n * rows * cols);
      x = new float[raw.length];
      for (int i = 0; i < raw.length; i++) x[i] = (raw[i] & 0xff) / 255f;
    }
    try (DataInputStream in = open(dir.resolve("train-labels-idx1-ubyte.gz"))) {
      if (in.readInt() != 0x801) throw new IOException("not an IDX label file: " + dir);
      int n = in.readInt();
      byte[] raw = in.readNBytes(n);
      y = new int[n];
      for (int i = 0; i < n; i++) y[i] = raw[i];
    }
    return Dataset.classification(x, shape, y, 10);
  }

  private static DataInputStream open(Path p) throws IOException {
    InputStream in = Files.newInputStream(p);
    return new DataInputStream(new GZIPInputStream(in, 1 << 16));
  }
}
