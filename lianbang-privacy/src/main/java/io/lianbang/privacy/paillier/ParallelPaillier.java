package io.lianbang.privacy.paillier;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Encrypts and decrypts vectors of Paillier plaintexts on several threads. Entry i of the output
 * always belongs to entry i of the input, whatever the scheduling (the ciphertexts themselves are
 * randomised, their plaintexts are not). Threads take the next entry from a shared counter, so an
 * uneven cost per entry does not leave threads idle. Every call waits at most {@link #timeout()}
 * for all its entries, then stops its tasks and fails.
 *
 * <p>Made either with its own daemon threads ({@link #withThreads}, closed by {@link #close}) or
 * over an executor the caller owns ({@link #over}, which {@link #close} leaves running). With one
 * thread everything runs in the calling thread.
 */
public final class ParallelPaillier implements AutoCloseable {
  /** The default deadline of one call: 10 minutes, about 36,000 encryptions at 2048 bits on one core. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  private final ExecutorService executor;
  private final boolean ownsExecutor;
  private final int parallelism;
  private final Duration timeout;

  private ParallelPaillier(ExecutorService executor, boolean ownsExecutor, int parallelism, Duration timeout) {
    this.executor = executor;
    this.ownsExecutor = ownsExecutor;
    this.parallelism = parallelism;
    this.timeout = timeout;
  }

  /**
   * Parallel operations on {@code threads} daemon threads of its own (none for 1), each call
   * bounded by {@code timeout}.
   *
   * @throws IllegalArgumentException if threads is outside [1, 256] or timeout is not positive
   */
  public static ParallelPaillier withThreads(int threads, Duration timeout) {
    checkParallelism(threads);
    checkTimeout(timeout);
    if (threads == 1) return new ParallelPaillier(null, false, 1, timeout);
    AtomicInteger id = new AtomicInteger();
    ExecutorService ex = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "paillier-worker-" + id.getAndIncrement());
      t.setDaemon(true);
      return t;
    });
    return new ParallelPaillier(ex, true, threads, timeout);
  }

  /** {@link #withThreads(int, Duration)} with {@link #DEFAULT_TIMEOUT}. */
  public static ParallelPaillier withThreads(int threads) {
    return withThreads(threads, DEFAULT_TIMEOUT);
  }

  /**
   * Parallel operations as {@code parallelism} tasks on the caller's {@code executor} (for example
   * a shared {@link java.util.concurrent.ForkJoinPool}), each call bounded by {@code timeout}.
   *
   * @throws IllegalArgumentException if parallelism is outside [1, 256] or timeout is not positive
   */
  public static ParallelPaillier over(ExecutorService executor, int parallelism, Duration timeout) {
    Objects.requireNonNull(executor, "executor");
    checkParallelism(parallelism);
    checkTimeout(timeout);
    return new ParallelPaillier(executor, false, parallelism, timeout);
  }

  private static void checkParallelism(int threads) {
    if (threads < 1 || threads > 256) throw new IllegalArgumentException("paillier threads must be in [1, 256], got " + threads);
  }

  private static void checkTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("paillier timeout must be positive, got " + timeout);
  }

  /** The number of entries processed at once. */
  public int parallelism() {
    return parallelism;
  }

  /** The deadline of one call. */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Encrypts each plaintext with an obfuscator from {@code obfuscators}, under its key.
   *
   * @throws IllegalArgumentException naming the index if a plaintext is not in [0, n)
   * @throws IllegalStateException if the deadline passes first
   */
  public BigInteger[] encrypt(BigInteger[] plaintexts, ObfuscatorSource obfuscators) {
    PaillierPublicKey key = obfuscators.key();
    for (int i = 0; i < plaintexts.length; i++) {
      BigInteger m = plaintexts[i];
      if (m.signum() < 0 || m.compareTo(key.n()) >= 0) throw new IllegalArgumentException("plaintext " + i + " is not in [0, n)");
    }
    BigInteger[] out = new BigInteger[plaintexts.length];
    forEach("encrypting " + plaintexts.length + " values", plaintexts.length, i -> out[i] = key.encrypt(plaintexts[i], obfuscators.next()));
    return out;
  }

  /**
   * Packs {@code values} with {@code encoding} (⌈length / slots⌉ plaintexts) and encrypts them.
   *
   * @throws IllegalArgumentException if a value is outside the encoding's range
   * @throws IllegalStateException if the deadline passes first
   */
  public BigInteger[] encryptPacked(PackedEncoding encoding, double[] values, ObfuscatorSource obfuscators) {
    return encrypt(encoding.pack(values), obfuscators);
  }

  /**
   * Decrypts each ciphertext (CRT decryption, {@link PaillierPrivateKey#decrypt}).
   *
   * @throws IllegalArgumentException naming the index if a ciphertext is not in (0, n²)
   * @throws IllegalStateException if the deadline passes first
   */
  public BigInteger[] decrypt(PaillierPrivateKey privateKey, BigInteger[] ciphertexts) {
    BigInteger nSquared = privateKey.publicKey().nSquared();
    for (int i = 0; i < ciphertexts.length; i++) {
      BigInteger c = ciphertexts[i];
      if (c.signum() <= 0 || c.compareTo(nSquared) >= 0) throw new IllegalArgumentException("ciphertext " + i + " is not in (0, n²)");
    }
    BigInteger[] out = new BigInteger[ciphertexts.length];
    forEach("decrypting " + ciphertexts.length + " values", ciphertexts.length, i -> out[i] = privateKey.decrypt(ciphertexts[i]));
    return out;
  }

  /**
   * Decrypts sums of {@code additions} packed vectors and unpacks their first {@code count} values
   * ({@link PackedEncoding#unpack}).
   *
   * @throws IllegalArgumentException if a ciphertext is out of range or the sums do not unpack
   * @throws IllegalStateException if the deadline passes first
   */
  public double[] decryptPacked(PaillierPrivateKey privateKey, PackedEncoding encoding, BigInteger[] ciphertexts, int count, int additions) {
    return encoding.unpack(decrypt(privateKey, ciphertexts), count, additions);
  }

  /**
   * Runs {@code op} for every index in [0, count) on this object's threads, each taking the next
   * index from a shared counter, and returns when all are done. {@code op} must only write state of
   * its own index.
   *
   * @param what what the loop does, for the error message (e.g. "encrypting 200 values")
   * @throws IllegalStateException naming {@code what} if the deadline passes first
   * @throws RuntimeException the first exception an iteration threw, as it was
   */
  public void forEach(String what, int count, IntConsumer op) {
    long deadline = System.nanoTime() + timeout.toNanos();
    AtomicInteger nextIndex = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    Runnable worker = () -> {
      for (int i; !stop.get() && (i = nextIndex.getAndIncrement()) < count; ) {
        if (System.nanoTime() - deadline > 0) return;
        op.accept(i);
        done.incrementAndGet();
      }
    };
    if (executor == null || count <= 1) {
      worker.run();
      if (done.get() < count) throw timedOut(what, done.get(), count);
      return;
    }
    int tasks = Math.min(parallelism, count);
    List<Future<?>> futures = new ArrayList<>(tasks);
    try {
      for (int t = 0; t < tasks; t++) futures.add(executor.submit(worker));
      for (Future<?> f : futures) f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw timedOut(what, done.get(), count);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      if (e.getCause() instanceof Error err) throw err;
      throw new IllegalStateException(what + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + what, e);
    } finally {
      stop.set(true);
      for (Future<?> f : futures) f.cancel(false);
    }
    if (done.get() < count) throw timedOut(what, done.get(), count);
  }

  private IllegalStateException timedOut(String what, int done, int count) {
    return new IllegalStateException(what + " did not finish within " + timeout + " (" + done + " of " + count + " done on "
        + parallelism + " threads)");
  }

  /** Stops the threads this instance started; an executor passed to {@link #over} keeps running. */
  @Override
  public void close() {
    if (ownsExecutor) executor.shutdownNow();
  }
}
