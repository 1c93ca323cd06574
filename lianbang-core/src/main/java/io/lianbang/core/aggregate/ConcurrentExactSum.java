package io.lianbang.core.aggregate;

import io.lianbang.core.tensor.Parameters;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An {@link ExactWeightedSum} that several threads add to at once. It holds up to {@code stripes}
 * partial sums, each behind its own lock. A thread adds to the first one it can take without
 * waiting, and a new partial sum is made only when every existing one is taken, so one thread
 * alone uses one. {@link #merged()} adds the partial sums up. Integer addition is associative, so
 * the result is bit for bit what one sum fed the same terms in any order would hold.
 *
 * <p>Memory: 16 bytes per model value per partial sum in use, at most {@code stripes}. With more
 * than one stripe the partial sums are {@linkplain ExactWeightedSum#buffered buffered}, 24 bytes
 * per value each: several partial sums are for many threads adding many vectors (a simulation),
 * one is for memory (a server).
 */
public final class ConcurrentExactSum {
  private final Parameters layout;
  private final AtomicReferenceArray<ExactWeightedSum> sums;
  private final ReentrantLock[] locks;
  private final AtomicInteger next = new AtomicInteger();

  /**
   * An empty sum for parameters laid out like {@code layout}.
   *
   * @param stripes the most partial sums, at least 1
   */
  public ConcurrentExactSum(Parameters layout, int stripes) {
    if (stripes < 1) throw new IllegalArgumentException("stripes must be >= 1, got " + stripes);
    this.layout = layout;
    this.sums = new AtomicReferenceArray<>(stripes);
    this.locks = new ReentrantLock[stripes];
    for (int i = 0; i < stripes; i++) locks[i] = new ReentrantLock();
    sums.set(0, partial());
  }

  private ExactWeightedSum partial() {
    return locks.length > 1 ? ExactWeightedSum.buffered(layout) : new ExactWeightedSum(layout);
  }

  /** As {@link ExactWeightedSum#add}: all or nothing. */
  public void add(Parameters values, double weight) {
    int i = acquire();
    try {
      sums.get(i).add(values, weight);
    } finally {
      locks[i].unlock();
    }
  }

  /** As {@link ExactWeightedSum#addAll}. */
  public void addAll(ExactWeightedSum other) {
    int i = acquire();
    try {
      sums.get(i).addAll(other);
    } finally {
      locks[i].unlock();
    }
  }

  /** Locks a partial sum and returns its index: a free one in use, else a new one, else the next one's turn. */
  private int acquire() {
    int n = locks.length;
    int start = Math.floorMod(next.getAndIncrement(), n);
    for (int k = 0; k < n; k++) {
      int i = (start + k) % n;
      if (sums.get(i) != null && locks[i].tryLock()) return i;
    }
    for (int k = 0; k < n; k++) {
      int i = (start + k) % n;
      if (sums.get(i) == null && locks[i].tryLock()) {
        if (sums.get(i) == null) sums.set(i, partial());
        return i;
      }
    }
    locks[0].lock(); // every partial sum is busy: wait for the first, which always exists
    return 0;
  }

  /**
   * The total of every partial sum, added into the first: valid until {@link #clear()}. Call once
   * every {@code add} has returned.
   */
  public ExactWeightedSum merged() {
    ExactWeightedSum total = sums.get(0);
    for (int i = 1; i < sums.length(); i++) {
      ExactWeightedSum s = sums.get(i);
      if (s != null) {
        total.addAll(s);
        s.clear();
      }
    }
    return total;
  }

  /**
   * Empties every partial sum, keeping their memory: a sum reused round after round is allocated
   * once, instead of a model-sized set of accumulators per round that the collector would copy
   * while the round lasts.
   */
  public void clear() {
    for (int i = 0; i < sums.length(); i++) {
      ExactWeightedSum s = sums.get(i);
      if (s != null) s.clear();
    }
  }

  /** True if {@code values} are laid out like this sum's model. */
  public boolean fits(Parameters values) {
    return sums.get(0).fits(values);
  }
}
