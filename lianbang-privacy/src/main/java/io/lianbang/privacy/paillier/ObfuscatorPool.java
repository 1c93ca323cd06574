package io.lianbang.privacy.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Obfuscators r^n mod n² computed ahead by a bounded number of background daemon threads into a
 * bounded queue, so that an encryption at the moment it is needed costs two multiplications
 * instead of a modular exponentiation: the precomputation of Paillier randomness that
 * python-paillier, FATE and TNO's Paillier library offer (Paillier 1999: r^n does not depend on the
 * plaintext). The pool pays off when it fills while the party waits (for the network, for a peer);
 * when encryptions outrun the producers, the pool is empty and {@link #next()} computes the
 * obfuscator inline, so it is never slower than no pool by more than the producers' share of the
 * cores.
 *
 * <p>Each producer thread draws r from its own {@link SecureRandom} (never seeded); every value
 * is removed from the queue when taken, so no obfuscator is used twice. {@link #close()} stops the
 * producers and drops the queued values.
 */
public final class ObfuscatorPool implements ObfuscatorSource, AutoCloseable {
  /**
   * The pool's settings.
   *
   * @param capacity the most obfuscators kept ready, in [1, 2^20] (default 1024: 512 KiB at 2048
   *     bits)
   * @param threads background producer threads, in [1, 64] (default 1)
   * @param takeTimeout how long {@link #next()} waits for a value when the pool is empty before it
   *     computes one inline, in [0, 60 s] (default 0: at once, since computing one costs no more
   *     than waiting for a producer to finish one)
   */
  public record Settings(int capacity, int threads, Duration takeTimeout) {
    /** The defaults: 1024 values, 1 thread, no wait. */
    public static final Settings DEFAULTS = new Settings(1024, 1, Duration.ZERO);

    /**
     * @throws IllegalArgumentException naming the setting and value when one is out of range
     */
    public Settings {
      if (capacity < 1 || capacity > 1 << 20) throw new IllegalArgumentException("obfuscator pool capacity must be in [1, 1048576], got " + capacity);
      if (threads < 1 || threads > 64) throw new IllegalArgumentException("obfuscator pool threads must be in [1, 64], got " + threads);
      Objects.requireNonNull(takeTimeout, "takeTimeout");
      if (takeTimeout.isNegative() || takeTimeout.compareTo(Duration.ofSeconds(60)) > 0) {
        throw new IllegalArgumentException("obfuscator pool takeTimeout must be in [0, 60 s], got " + takeTimeout);
      }
    }
  }

  /** How long a producer holding a value waits for room before it checks whether it was closed. */
  private static final long OFFER_WAIT_MS = 200;

  private final PaillierPublicKey key;
  private final Settings settings;
  private final BlockingQueue<BigInteger> queue;
  private final SecureRandom inlineRandom = new SecureRandom();
  private final List<Thread> producers = new ArrayList<>();
  private final AtomicLong taken = new AtomicLong();
  private final AtomicLong inline = new AtomicLong();
  private volatile boolean closed;

  private ObfuscatorPool(PaillierPublicKey key, Settings settings) {
    this.key = key;
    this.settings = settings;
    this.queue = new ArrayBlockingQueue<>(settings.capacity());
  }

  /** Starts a pool for {@code key} with its producer threads running. */
  public static ObfuscatorPool start(PaillierPublicKey key, Settings settings) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(settings, "settings");
    ObfuscatorPool pool = new ObfuscatorPool(key, settings);
    for (int i = 0; i < settings.threads(); i++) {
      Thread t = new Thread(pool::produce, "paillier-obfuscators-" + i);
      t.setDaemon(true);
      t.setPriority(Thread.MIN_PRIORITY);
      pool.producers.add(t);
    }
    pool.producers.forEach(Thread::start);
    return pool;
  }

  /** Starts a pool for {@code key} with {@link Settings#DEFAULTS}. */
  public static ObfuscatorPool start(PaillierPublicKey key) {
    return start(key, Settings.DEFAULTS);
  }

  private void produce() {
    SecureRandom random = new SecureRandom();
    try {
      while (!closed) {
        BigInteger v = key.obfuscator(random);
        while (!closed && !queue.offer(v, OFFER_WAIT_MS, TimeUnit.MILLISECONDS)) {
          // full: wait for a taker or for close()
        }
      }
    } catch (InterruptedException e) {
      // close() interrupts the producers
    }
  }

  @Override
  public PaillierPublicKey key() {
    return key;
  }

  /** The settings the pool was started with. */
  public Settings settings() {
    return settings;
  }

  /**
   * A queued obfuscator, waiting at most {@link Settings#takeTimeout()} for one, else one computed
   * in the calling thread.
   *
   * @throws IllegalStateException if the pool is closed or the calling thread is interrupted
   */
  @Override
  public BigInteger next() {
    if (closed) throw new IllegalStateException("the obfuscator pool is closed");
    BigInteger v;
    try {
      v = settings.takeTimeout().isZero() ? queue.poll() : queue.poll(settings.takeTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for an obfuscator", e);
    }
    if (v != null) {
      taken.incrementAndGet();
      return v;
    }
    inline.incrementAndGet();
    return key.obfuscator(inlineRandom);
  }

  /** Obfuscators ready in the queue now. */
  public int available() {
    return queue.size();
  }

  /** Obfuscators handed out from the queue so far. */
  public long takenFromPool() {
    return taken.get();
  }

  /** Obfuscators computed inline so far because the queue was empty. */
  public long computedInline() {
    return inline.get();
  }

  /**
   * Waits until at least {@code count} obfuscators are ready or {@code timeout} has passed,
   * checking every millisecond; for a party that wants the pool full before a burst of encryptions.
   *
   * @return whether {@code count} were ready in time
   * @throws IllegalArgumentException if count is outside [0, capacity] or timeout is negative
   * @throws IllegalStateException if the pool is closed or the calling thread is interrupted
   */
  public boolean awaitAvailable(int count, Duration timeout) {
    if (count < 0 || count > settings.capacity()) {
      throw new IllegalArgumentException("count must be in [0, " + settings.capacity() + "] (the pool's capacity), got " + count);
    }
    if (timeout.isNegative()) throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (queue.size() < count) {
      if (closed) throw new IllegalStateException("the obfuscator pool is closed");
      if (System.nanoTime() - deadline >= 0) return false;
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the obfuscator pool", e);
      }
    }
    return true;
  }

  /**
   * Stops the producers (waiting at most a second for each to finish its current value) and drops
   * the queued obfuscators. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    producers.forEach(Thread::interrupt);
    for (Thread t : producers) {
      try {
        t.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    queue.clear();
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }
}
