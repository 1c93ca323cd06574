package io.lianbang.bench;

import io.lianbang.privacy.paillier.ObfuscatorPool;
import io.lianbang.privacy.paillier.ObfuscatorSource;
import io.lianbang.privacy.paillier.PackedEncoding;
import io.lianbang.privacy.paillier.PaillierKeyPair;
import io.lianbang.privacy.paillier.PaillierPublicKey;
import io.lianbang.privacy.paillier.ParallelPaillier;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * JMH benchmark of Paillier at a given key size (default 2048 bits), run by
 * {@code bench/paillier.sh}; {@link #main} prints tables and ratios.
 *
 * <ul>
 *   <li>{@code single*}: one encryption, one homomorphic addition, one CRT decryption, one thread.
 *   <li>{@code encrypt}: values encrypted per second, a vector of 4k values per operation, by
 *       {@link ParallelPaillier#encryptPacked} on 1 or 2 threads; {@code unpacked}: one value per
 *       ciphertext (the fixed-point encoding of the horizontal Paillier mode); {@code packed}: k
 *       values per ciphertext ({@link PackedEncoding} defaults: f = 40, |x| ≤ 1, 2^20 additions,
 *       so k = 33 at 2048 bits). Randomness: {@code inline} (r^n computed with each encryption),
 *       {@code pool} (an {@link ObfuscatorPool} with one producer thread running alongside, steady
 *       state), {@code precomputed} (obfuscators computed before the clock starts, the pool's
 *       limit when it fills while the party waits: the online cost of an encryption).
 *   <li>{@code histogram}: SecureBoost's per-bin sums (Cheng et al. 2019): N samples' encrypted
 *       gradient g and hessian h added into 32 bins on one thread; {@code unpacked}: two
 *       ciphertexts per sample, {@code packed}: one ciphertext holding (g, h). Reported per value.
 * </ul>
 *
 * <pre>
 * java -cp ... io.lianbang.bench.PaillierBench [--bits 2048] [--threads 1,2]
 *   [--randomness inline,pool,precomputed] [--samples 1000] [--warmups 3] [--iterations 5]
 *   [--seconds 3] [--forks 1] [--only single,encrypt,histogram]
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PaillierBench {
  /** Histogram bins per feature, as FATE's default of 32 bins. */
  static final int BINS = 32;

  /** Key pair and one plaintext/ciphertext for the single-operation benchmarks. */
  @State(Scope.Benchmark)
  public static class Single {
    /** Key size in bits. */
    @Param("2048")
    public int bits;

    PaillierKeyPair keys;
    SecureRandom random;
    BigInteger m;
    BigInteger c;
    BigInteger c2;

    @Setup(Level.Trial)
    public void setUp() {
      random = new SecureRandom();
      keys = PaillierKeyPair.generate(bits, random);
      m = new BigInteger(bits - 8, random);
      c = keys.publicKey().encrypt(m, random);
      c2 = keys.publicKey().encrypt(m.shiftRight(1), random);
      if (!keys.privateKey().decrypt(c).equals(m)) throw new AssertionError("decryption is wrong");
    }
  }

  /** A vector of 4k values in [−1, 1] and the encoder, randomness and threads of one configuration. */
  @State(Scope.Benchmark)
  public static class Encrypt {
    /** Key size in bits. */
    @Param("2048")
    public int bits;

    /** {@code unpacked} (one value per ciphertext) or {@code packed} (k per ciphertext). */
    @Param({"unpacked", "packed"})
    public String encoding;

    /** {@code inline}, {@code pool} or {@code precomputed}. */
    @Param({"inline", "pool", "precomputed"})
    public String randomness;

    /** Encryption threads. */
    @Param({"1", "2"})
    public int threads;

    PaillierKeyPair keys;
    PackedEncoding packing;
    double[] values;
    ObfuscatorSource source;
    ObfuscatorPool pool;
    ParallelPaillier parallel;

    @Setup(Level.Trial)
    public void setUp() {
      SecureRandom random = new SecureRandom();
      keys = PaillierKeyPair.generate(bits, random);
      PaillierPublicKey pub = keys.publicKey();
      PackedEncoding full = PackedEncoding.builder(pub).build();
      packing = encoding.equals("packed") ? full : PackedEncoding.builder(pub).slots(1).build();
      values = new double[4 * full.slots()];
      SplittableRandom data = new SplittableRandom(14);
      for (int i = 0; i < values.length; i++) values[i] = data.nextDouble(-1, 1);
      source = switch (randomness) {
        case "inline" -> ObfuscatorSource.inline(pub, random);
        case "pool" -> pool = ObfuscatorPool.start(pub);
        case "precomputed" -> precomputed(pub, random, packing.plaintextsFor(values.length));
        default -> throw new IllegalArgumentException("randomness must be inline, pool or precomputed, got " + randomness);
      };
      parallel = ParallelPaillier.withThreads(threads, Duration.ofMinutes(10));
      double[] back = parallel.decryptPacked(keys.privateKey(), packing, parallel.encryptPacked(packing, values, source), values.length, 1);
      for (int i = 0; i < values.length; i++) {
        if (Math.abs(back[i] - values[i]) > packing.errorBound(1)) throw new AssertionError("value " + i + " does not round-trip");
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      parallel.close();
      if (pool != null) pool.close();
    }
  }

  /**
   * Obfuscators computed before timing and handed out in turn: a benchmark-only source that
   * measures the online cost of encryption. It reuses its values, which real encryption must
   * never do.
   */
  static ObfuscatorSource precomputed(PaillierPublicKey pub, SecureRandom random, int count) {
    BigInteger[] ready = new BigInteger[count];
    for (int i = 0; i < count; i++) ready[i] = pub.obfuscator(random);
    AtomicInteger next = new AtomicInteger();
    return new ObfuscatorSource() {
      @Override
      public PaillierPublicKey key() {
        return pub;
      }

      @Override
      public BigInteger next() {
        return ready[Math.floorMod(next.getAndIncrement(), count)];
      }
    };
  }

  /** N samples' encrypted (g, h), unpacked or packed, and their bins. */
  @State(Scope.Benchmark)
  public static class Histogram {
    /** Key size in bits. */
    @Param("2048")
    public int bits;

    /** {@code unpacked} (g and h in two ciphertexts) or {@code packed} (one ciphertext). */
    @Param({"unpacked", "packed"})
    public String encoding;

    /** Samples added per operation. */
    @Param("1000")
    public int samples;

    PaillierPublicKey pub;
    BigInteger[] ciphertexts;
    int[] bin;
    int perSample;

    @Setup(Level.Trial)
    public void setUp() {
      SecureRandom random = new SecureRandom();
      PaillierKeyPair keys = PaillierKeyPair.generate(bits, random);
      pub = keys.publicKey();
      SplittableRandom data = new SplittableRandom(14);
      double[] gh = new double[2 * samples];
      bin = new int[samples];
      for (int i = 0; i < samples; i++) {
        double p = data.nextDouble();
        gh[2 * i] = p - (data.nextBoolean() ? 1 : 0);
        gh[2 * i + 1] = p * (1 - p);
        bin[i] = data.nextInt(BINS);
      }
      perSample = encoding.equals("packed") ? 1 : 2;
      PackedEncoding enc = PackedEncoding.builder(pub).maxAdditions(samples).slots(3 - perSample).build();
      // The cost of an addition does not depend on the randomness: the inputs reuse 16 obfuscators
      // so that preparing them takes 16 exponentiations instead of 2N.
      ObfuscatorSource reuse = precomputed(pub, random, 16);
      BigInteger[] plain = enc.pack(gh);
      ciphertexts = new BigInteger[plain.length];
      for (int i = 0; i < plain.length; i++) ciphertexts[i] = reuse.encrypt(plain[i]);
      // Check: the packed sum of all samples decodes to the plaintext sums.
      BigInteger all = pub.zero();
      for (BigInteger c : ciphertexts) all = pub.add(all, c);
      if (perSample == 1) {
        double[] s = enc.unpack(new BigInteger[] {keys.privateKey().decrypt(all)}, 2, samples);
        double g = 0;
        for (int i = 0; i < samples; i++) g += gh[2 * i];
        if (Math.abs(s[0] - g) > enc.errorBound(samples) + 1e-9) throw new AssertionError("packed histogram sum is wrong");
      }
    }
  }

  /** One encryption with fresh randomness. */
  @Benchmark
  public BigInteger singleEncrypt(Single s) {
    return s.keys.publicKey().encrypt(s.m, s.random);
  }

  /** One homomorphic addition. */
  @Benchmark
  public BigInteger singleAdd(Single s) {
    return s.keys.publicKey().add(s.c, s.c2);
  }

  /** One CRT decryption. */
  @Benchmark
  public BigInteger singleDecrypt(Single s) {
    return s.keys.privateKey().decrypt(s.c);
  }

  /** A vector of 4k values encrypted (packed or not) on the configured threads. */
  @Benchmark
  public BigInteger[] encrypt(Encrypt s) {
    return s.parallel.encryptPacked(s.packing, s.values, s.source);
  }

  /** All samples' (g, h) added into their bins. */
  @Benchmark
  public BigInteger[] histogram(Histogram s) {
    PaillierPublicKey pub = s.pub;
    int per = s.perSample;
    BigInteger[] bins = new BigInteger[BINS * per];
    Arrays.fill(bins, pub.zero());
    BigInteger[] c = s.ciphertexts;
    for (int i = 0; i < s.samples; i++) {
      int b = s.bin[i] * per;
      for (int j = 0; j < per; j++) bins[b + j] = pub.add(bins[b + j], c[i * per + j]);
    }
    return bins;
  }

  /** Runs the benchmarks and prints the tables and ratios. */
  public static void main(String[] args) throws Exception {
    Map<String, String> defaults = new LinkedHashMap<>(Map.of("--bits", "2048", "--threads", "1,2", "--randomness",
        "inline,pool,precomputed", "--samples", "1000", "--warmups", "3", "--iterations", "5", "--seconds", "3", "--forks", "1"));
    defaults.put("--only", "single,encrypt,histogram");
    Map<String, String> opt = JmhCommandLine.parse(args, defaults);
    int bits = Integer.parseInt(opt.get("--bits"));
    if (bits < 512 || bits % 2 != 0) throw new IllegalArgumentException("--bits must be even and >= 512, got " + bits);
    String[] threads = opt.get("--threads").split(",");
    for (String t : threads) {
      int n = Integer.parseInt(t);
      if (n < 1 || n > 256) throw new IllegalArgumentException("--threads entries must be in [1, 256], got " + t);
    }
    String[] randomness = opt.get("--randomness").split(",");
    for (String r : randomness) {
      if (!List.of("inline", "pool", "precomputed").contains(r)) throw new IllegalArgumentException("--randomness entries must be inline, pool or precomputed, got " + r);
    }
    int samples = Integer.parseInt(opt.get("--samples"));
    if (samples < 1 || samples > 1_000_000) throw new IllegalArgumentException("--samples must be in [1, 1000000], got " + samples);
    List<String> only = List.of(opt.get("--only").split(","));
    for (String o : only) {
      if (!List.of("single", "encrypt", "histogram").contains(o)) throw new IllegalArgumentException("--only entries must be single, encrypt or histogram, got " + o);
    }
    var options = JmhCommandLine.timing(new OptionsBuilder()
        .include(PaillierBench.class.getName() + "\\.(" + String.join("|", only).replace("single", "single.*") + ")$")
        .param("bits", Integer.toString(bits))
        .param("threads", threads)
        .param("randomness", randomness)
        .param("samples", Integer.toString(samples)), opt)
        .jvmArgs("-Xmx1g")
        .build();
    List<RunResult> results = new ArrayList<>(new Runner(options).run());

    // k for the packed configuration, from a modulus of the same size.
    PaillierPublicKey sized = new PaillierPublicKey(BigInteger.ONE.shiftLeft(bits - 1).add(BigInteger.ONE));
    PackedEncoding packed = PackedEncoding.builder(sized).build();
    int k = packed.slots();
    int perOp = 4 * k;
    Map<String, double[]> encrypt = new LinkedHashMap<>();
    Map<String, double[]> single = new LinkedHashMap<>();
    Map<String, double[]> histogram = new LinkedHashMap<>();
    for (RunResult r : results) {
      var p = r.getParams();
      String op = p.getBenchmark().replaceAll(".*\\.", "");
      double score = r.getPrimaryResult().getScore();
      double error = r.getPrimaryResult().getScoreError();
      switch (op) {
        case "encrypt" -> encrypt.put(p.getParam("encoding") + "/" + p.getParam("randomness") + "/" + p.getParam("threads"),
            new double[] {score * perOp, error * perOp});
        case "histogram" -> histogram.put(p.getParam("encoding"), new double[] {score * 2 * samples, error * 2 * samples});
        default -> single.put(op, new double[] {score, error});
      }
    }
    System.out.printf(Locale.ROOT, "%npaillier %d-bit, java %s, %d cores%n", bits, System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());
    System.out.println("| operation (1 thread) | per second |");
    System.out.println("|---|---:|");
    for (var e : single.entrySet()) System.out.printf(Locale.ROOT, "| %s | %.1f ± %.1f |%n", e.getKey(), e.getValue()[0], e.getValue()[1]);

    System.out.printf(Locale.ROOT, "%nencryption: %d values per operation; packed k = %d values per plaintext (f = %d, |x| <= %s, %d additions, "
        + "%d-bit slots); pool = 1 producer thread besides the encryption threads%n", perOp, k, packed.fractionBits(), packed.maxAbsValue(),
        packed.maxAdditions(), packed.slotBits());
    System.out.println("| encoding | randomness | threads | values encrypted/s | ciphertexts/s |");
    System.out.println("|---|---|---:|---:|---:|");
    for (var e : encrypt.entrySet()) {
      String[] key = e.getKey().split("/");
      int perCiphertext = key[0].equals("packed") ? k : 1;
      System.out.printf(Locale.ROOT, "| %s | %s | %s | %.1f ± %.1f | %.1f |%n", key[0], key[1], key[2], e.getValue()[0], e.getValue()[1],
          e.getValue()[0] / perCiphertext);
    }
    System.out.println();
    double[] base = encrypt.get("unpacked/inline/1");
    for (var e : encrypt.entrySet()) {
      if (!e.getKey().startsWith("packed/")) continue;
      String rest = e.getKey().substring("packed/".length());
      double[] u = encrypt.get("unpacked/" + rest);
      System.out.printf(Locale.ROOT, "packed / unpacked, %s randomness, %s thread(s): %.1fx", rest.split("/")[0], rest.split("/")[1],
          e.getValue()[0] / u[0]);
      if (base != null) System.out.printf(Locale.ROOT, "   (vs unpacked inline 1 thread: %.1fx)", e.getValue()[0] / base[0]);
      System.out.println();
    }

    System.out.printf(Locale.ROOT, "%nhistogram: %d samples' (g, h) into %d bins, 1 thread; unpacked 2 ciphertexts per sample, packed 1 (k = 2)%n",
        samples, BINS);
    System.out.println("| encoding | homomorphic additions/s | values added/s |");
    System.out.println("|---|---:|---:|");
    for (var e : histogram.entrySet()) {
      int per = e.getKey().equals("packed") ? 2 : 1;
      System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f ± %.1f |%n", e.getKey(), e.getValue()[0] / per, e.getValue()[0], e.getValue()[1]);
    }
    if (histogram.containsKey("packed") && histogram.containsKey("unpacked")) {
      System.out.printf(Locale.ROOT, "%nhistogram packed / unpacked per value: %.2fx%n", histogram.get("packed")[0] / histogram.get("unpacked")[0]);
    }
  }
}
