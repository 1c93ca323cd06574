package io.lianbang.vertical.parallel;

import io.lianbang.privacy.paillier.ObfuscatorPool;
import io.lianbang.privacy.paillier.PaillierPublicKey;
import io.lianbang.privacy.paillier.ParallelPaillier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * The threads one protocol role uses for its Paillier work, for the length of one run: a fixed
 * pool of daemon threads, {@link #paillier()} for vector encryptions and decryptions over it,
 * {@link #forEach} for any other loop whose iterations are independent (homomorphic sums per
 * column or per histogram), and the {@link ObfuscatorPool}s started by {@link #obfuscators}. Every
 * call waits at most {@link #timeout()}, then stops its tasks and fails; {@link #close()} stops the
 * threads and the pools, so a role opens it in try-with-resources around its run (also on failure).
 *
 * <p>With one thread everything runs in the calling thread. The thread count changes only how fast
 * a role runs: each loop iteration writes its own output entry, so the results are the same for any
 * count (the tests run roles with 1 and several threads and compare the models).
 *
 * <p>The default thread count is {@link #defaultThreads()}: the system property {@value
 * #THREADS_PROPERTY} if set, else the available processors capped at {@value #MAX_DEFAULT_THREADS}.
 */
public final class CryptoWorkers implements AutoCloseable {
  /** The system property that sets {@link #defaultThreads()}, an integer in [1, {@value #MAX_THREADS}]. */
  public static final String THREADS_PROPERTY = "lianbang.vertical.threads";
  /** The cap of the default thread count when it comes from the available processors. */
  public static final int MAX_DEFAULT_THREADS = 8;
  /** The largest thread count accepted. */
  public static final int MAX_THREADS = 64;
  /**
   * The most obfuscators an {@link #obfuscators} pool keeps ready: 32,768, i.e. 8 MiB at 1024-bit
   * keys and 16 MiB at 2048 bits.
   */
  public static final int MAX_POOL_CAPACITY = 1 << 15;

  private final int threads;
  private final Duration timeout;
  private final ExecutorService executor;
  private final ParallelPaillier paillier;
  private final List<ObfuscatorPool> pools = new ArrayList<>();

  private CryptoWorkers(int threads, Duration timeout) {
    this.threads = threads;
    this.timeout = timeout;
    if (threads == 1) {
      this.executor = null;
      this.paillier = ParallelPaillier.withThreads(1, timeout);
    } else {
      AtomicInteger id = new AtomicInteger();
      this.executor = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "vertical-crypto-" + id.getAndIncrement());
        t.setDaemon(true);
        return t;
      });
      this.paillier = ParallelPaillier.over(executor, threads, timeout);
    }
  }

  /**
   * Starts {@code threads} workers (none for 1), each call bounded by {@code timeout}.
   *
   * @throws IllegalArgumentException naming the value if threads is outside [1, {@value
   *     #MAX_THREADS}] or timeout is not positive
   */
  public static CryptoWorkers start(int threads, Duration timeout) {
    checkThreads(threads);
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive, got " + timeout);
    return new CryptoWorkers(threads, timeout);
  }

  /**
   * The thread count roles use unless told otherwise: {@value #THREADS_PROPERTY} if set, else
   * {@code Runtime.availableProcessors()} capped at {@value #MAX_DEFAULT_THREADS}.
   *
   * @throws IllegalArgumentException naming the property and value if it is set but not an integer
   *     in [1, {@value #MAX_THREADS}]
   */
  public static int defaultThreads() {
    return defaultThreads(System.getProperty(THREADS_PROPERTY), Runtime.getRuntime().availableProcessors());
  }

  /** {@link #defaultThreads()} for a property value (null if unset) and a processor count. */
  static int defaultThreads(String property, int processors) {
    if (property == null || property.isBlank()) return Math.max(1, Math.min(MAX_DEFAULT_THREADS, processors));
    int t;
    try {
      t = Integer.parseInt(property.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(THREADS_PROPERTY + " must be an integer in [1, " + MAX_THREADS + "], got " + property);
    }
    if (t < 1 || t > MAX_THREADS) throw new IllegalArgumentException(THREADS_PROPERTY + " must be in [1, " + MAX_THREADS + "], got " + t);
    return t;
  }

  /**
   * Checks a thread count given to a role.
   *
   * @throws IllegalArgumentException naming the value if it is outside [1, {@value #MAX_THREADS}]
   */
  public static int checkThreads(int threads) {
    if (threads < 1 || threads > MAX_THREADS) throw new IllegalArgumentException("threads must be in [1, " + MAX_THREADS + "], got " + threads);
    return threads;
  }

  /** The number of threads. */
  public int threads() {
    return threads;
  }

  /** The deadline of each call. */
  public Duration timeout() {
    return timeout;
  }

  /** Vector encryptions and decryptions on these threads, each within {@link #timeout()}. */
  public ParallelPaillier paillier() {
    return paillier;
  }

  /**
   * Starts an {@link ObfuscatorPool} for {@code key} that keeps up to min({@code capacity}, {@value
   * #MAX_POOL_CAPACITY}) obfuscators ready, computed by as many background producers as this has
   * threads, so that the role's next burst of encryptions finds its randomness computed while it
   * waited for its peers; an encryption that finds the pool empty computes its obfuscator itself.
   * {@link #close()} stops it; a role may close it earlier, once it has encrypted for the last time,
   * so that no producer computes values nobody will use.
   *
   * @throws IllegalArgumentException if capacity is not positive
   */
  public synchronized ObfuscatorPool obfuscators(PaillierPublicKey key, int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("obfuscator pool capacity must be positive, got " + capacity);
    ObfuscatorPool.Settings settings = new ObfuscatorPool.Settings(Math.min(capacity, MAX_POOL_CAPACITY), threads, Duration.ZERO);
    ObfuscatorPool pool = ObfuscatorPool.start(key, settings);
    pools.add(pool);
    return pool;
  }

  /**
   * Runs {@code op} for every index in [0, count), the threads taking the next index from a shared
   * counter; returns when all are done. {@code op} must only write state of its own index.
   *
   * @param what what the loop does, for the error message
   * @throws IllegalStateException naming {@code what} if the deadline passes first
   * @throws RuntimeException the first exception an iteration threw, as it was
   */
  public void forEach(String what, int count, IntConsumer op) {
    paillier.forEach(what, count, op);
  }

  /** Stops the obfuscator pools and the threads. Idempotent. */
  @Override
  public synchronized void close() {
    for (ObfuscatorPool p : pools) p.close();
    pools.clear();
    if (executor != null) executor.shutdownNow();
  }
}
