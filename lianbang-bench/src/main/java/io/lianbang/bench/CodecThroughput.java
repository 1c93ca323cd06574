package io.lianbang.bench;

import io.lianbang.core.compress.Codec;
import io.lianbang.core.compress.Codecs;
import java.nio.ByteBuffer;
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
 * JMH benchmark of the codecs of {@code io.lianbang.core.compress}: encode, decode (into a reusable
 * chunk of 64 Ki values, as a receiver would) and both in turn, one thread, on {@code n} standard
 * normal float32 values (default 2<sup>20</sup>) with each codec's default parameters. Run by
 * {@code bench/codecs.sh}; {@link #main} prints, per codec, gigabytes of float32 input (4n bytes)
 * per second.
 *
 * <pre>
 * java -cp ... io.lianbang.bench.CodecThroughput [--codecs int8,fp16] [--n 1048576]
 *   [--warmups 3] [--iterations 5] [--seconds 1] [--forks 1]
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecThroughput {
  /** The codecs measured by default. */
  static final String DEFAULT_CODECS = "float32,fp16,bf16,int8,int4,qsgd,topk,randomk,topk+int8";

  private static final int CHUNK = 1 << 16;

  /** The codec's name, as {@link Codecs#create} takes it (default parameters). */
  @Param({"int8"})
  public String codec;

  /** The number of values. */
  @Param({"1048576"})
  public int n;

  private Codec c;
  private float[] values;
  private ByteBuffer encoded;
  private ByteBuffer scratch;
  private float[] chunk;
  private long seed;

  /** Random values and one encoding of them to decode. */
  @Setup
  public void setUp() {
    c = Codecs.create(codec, Map.of());
    SplittableRandom r = new SplittableRandom(1);
    values = new float[n];
    for (int i = 0; i < n; i++) values[i] = (float) r.nextGaussian();
    encoded = ByteBuffer.allocate((int) c.encodedBytes(n));
    c.encode(values, 0, n, encoded, 0);
    scratch = ByteBuffer.allocate(encoded.capacity());
    chunk = new float[CHUNK];
  }

  /** Encodes all values, a new seed each time. */
  @Benchmark
  public ByteBuffer encode() {
    scratch.clear();
    c.encode(values, 0, n, scratch, seed++);
    return scratch;
  }

  /** Decodes all values chunk by chunk into one reusable chunk. */
  @Benchmark
  public float[] decode() {
    encoded.clear();
    decodeChunks(encoded);
    return chunk;
  }

  /** Encodes, then decodes chunk by chunk. */
  @Benchmark
  public float[] encodeDecode() {
    scratch.clear();
    c.encode(values, 0, n, scratch, seed++);
    scratch.flip();
    decodeChunks(scratch);
    return chunk;
  }

  private void decodeChunks(ByteBuffer in) {
    var d = c.decoder(in, n);
    for (int off = 0; off < n; off += CHUNK) d.next(chunk, 0, Math.min(CHUNK, n - off));
  }

  /** Runs the benchmark and prints a table of GB/s of float32 input per codec and operation. */
  public static void main(String[] args) throws Exception {
    Map<String, String> opt = JmhCommandLine.parse(args, Map.of("--codecs", DEFAULT_CODECS, "--n", "1048576",
        "--warmups", "3", "--iterations", "5", "--seconds", "1", "--forks", "1"));
    String[] codecs = opt.get("--codecs").split(",");
    for (String name : codecs) Codecs.create(name, Map.of()); // refuses unknown names before running
    int n = Integer.parseInt(opt.get("--n"));
    var options = JmhCommandLine.timing(new OptionsBuilder()
        .include(CodecThroughput.class.getName() + "\\.")
        .param("codec", codecs)
        .param("n", Integer.toString(n)), opt)
        .jvmArgs("-Xmx1g", "--add-modules", "jdk.incubator.vector")
        .build();
    List<RunResult> results = new ArrayList<>(new Runner(options).run());
    Map<String, double[]> table = new LinkedHashMap<>();
    for (String name : codecs) table.put(name, new double[6]);
    for (RunResult r : results) {
      String name = r.getParams().getParam("codec");
      String op = r.getParams().getBenchmark().replaceAll(".*\\.", "");
      int col = switch (op) {
        case "encode" -> 0;
        case "decode" -> 2;
        default -> 4;
      };
      double gb = 4.0 * n / 1e9;
      table.get(name)[col] = r.getPrimaryResult().getScore() * gb;
      table.get(name)[col + 1] = r.getPrimaryResult().getScoreError() * gb;
    }
    System.out.printf(Locale.ROOT, "%nn=%d float32 values (%.1f MB), 1 thread, java %s (%s), int8 kernel %s%n", n, 4.0 * n / 1e6,
        System.getProperty("java.version"), System.getProperty("java.vm.name"),
        io.lianbang.core.simd.VectorApi.preferred() ? "vector" : "scalar");
    System.out.println("| codec | bytes/value | encode GB/s | decode GB/s | encode+decode GB/s |");
    System.out.println("|---|---:|---:|---:|---:|");
    for (var e : table.entrySet()) {
      double[] t = e.getValue();
      double bytes = (double) Codecs.create(e.getKey(), Map.of()).encodedBytes(n) / n;
      System.out.printf(Locale.ROOT, "| %s | %.3f | %.2f ± %.2f | %.2f ± %.2f | %.2f ± %.2f |%n",
          e.getKey(), bytes, t[0], t[1], t[2], t[3], t[4], t[5]);
    }
  }
}
