package io.lianbang.engine.kernel;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Intra-operation parallelism: runs the parts of one operation on a shared, lazily created,
 * fixed-size pool of daemon threads, with the calling thread taking part.
 *
 * <p>The pool has {@code Runtime.availableProcessors()} workers unless the system property
 * {@code lianbang.intraop.poolSize} says otherwise. Parts are claimed dynamically by the caller and
 * the workers, so callers that ask for more parts than there are free workers simply run the
 * remaining parts themselves, and any part count is safe. Waiting threads spin briefly (a training
 * step issues many small parallel operations in quick succession), then yield, then park.
 *
 * <p>Waiting is bounded: a caller that has not seen all parts finish within
 * {@code lianbang.intraop.timeoutSeconds} (default 600) gets an {@link IllegalStateException}.
 * An exception thrown by a part is rethrown in the caller once all parts have ended.
 *
 * <p>Parts must be independent: the engine only ever splits work along output elements, which is
 * what keeps results bit-identical for every thread count.
 */
public final class IntraOp {
  /** Busy-wait this long before yielding: parts of one training step follow each other closely. */
  private static final long SPIN_NANOS = 20_000L;
  /** Then yield the processor (cheap when other threads want it) for this long before parking. */
  private static final long YIELD_NANOS = 500_000L;
  private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long TIMEOUT_NANOS =
      TimeUnit.SECONDS.toNanos(Long.getLong("lianbang.intraop.timeoutSeconds", 600L));

  private IntraOp() {}

  /**
   * Runs {@code body.accept(part)} for every part in {@code [0, parts)}, in parallel, and returns
   * when all have finished.
   *
   * @throws IllegalArgumentException if {@code parts < 1}
   */
  public static void invoke(int parts, IntConsumer body) {
    invoke(parts, parts - 1, body);
  }

  /**
   * As {@link #invoke(int, IntConsumer)}, with at most {@code helpers} pool workers joining the
   * calling thread; the parts are shared among those threads. With {@code T} threads wanted,
   * pass {@code T - 1} even when asking for more parts than threads: waking more workers than
   * that puts more spinning threads than cores on a machine with {@code T} cores.
   *
   * @throws IllegalArgumentException if {@code parts < 1} or {@code helpers < 0}
   */
  public static void invoke(int parts, int helpers, IntConsumer body) {
    if (parts < 1) throw new IllegalArgumentException("intra-op parts must be >= 1, got " + parts);
    if (helpers < 0) throw new IllegalArgumentException("intra-op helpers must be >= 0, got " + helpers);
    if (parts == 1 || helpers == 0) {
      for (int p = 0; p < parts; p++) body.accept(p);
      return;
    }
    Job job = new Job(parts, body, Thread.currentThread());
    Pool.INSTANCE.submit(job, Math.min(helpers, parts - 1));
    job.work();
    job.await();
  }

  /** Start of part {@code part} when {@code n} items are split into {@code parts} near-equal ranges. */
  public static int splitPoint(int n, int parts, int part) {
    return (int) ((long) n * part / parts);
  }

  /** The number of worker threads in the shared pool. */
  public static int poolSize() {
    return Pool.SIZE;
  }

  /** One parallel operation: parts are claimed by whichever thread gets there first. */
  private static final class Job {
    final int parts;
    final IntConsumer body;
    final Thread caller;
    final AtomicInteger next = new AtomicInteger();
    final AtomicInteger done = new AtomicInteger();
    volatile Throwable error;

    Job(int parts, IntConsumer body, Thread caller) {
      this.parts = parts;
      this.body = body;
      this.caller = caller;
    }

    void work() {
      int p;
      while ((p = next.getAndIncrement()) < parts) {
        try {
          body.accept(p);
        } catch (Throwable t) {
          if (error == null) error = t;
        }
        if (done.incrementAndGet() == parts) LockSupport.unpark(caller);
      }
    }

    void await() {
      long start = System.nanoTime();
      while (done.get() < parts) {
        long waited = System.nanoTime() - start;
        if (waited < SPIN_NANOS) {
          Thread.onSpinWait();
        } else if (waited < YIELD_NANOS) {
          Thread.yield();
        } else if (waited > TIMEOUT_NANOS) {
          throw new IllegalStateException("intra-op: " + (parts - done.get()) + " of " + parts
              + " parts did not finish within " + TimeUnit.NANOSECONDS.toSeconds(TIMEOUT_NANOS) + " s");
        } else {
          LockSupport.parkNanos(this, PARK_NANOS);
        }
      }
      Throwable t = error;
      if (t instanceof RuntimeException re) throw re;
      if (t instanceof Error e) throw e;
      if (t != null) throw new IllegalStateException("intra-op part failed", t);
    }
  }

  /** The shared worker pool, created on first parallel use. */
  private static final class Pool {
    static final int SIZE = Math.max(1, Integer.getInteger("lianbang.intraop.poolSize",
        Runtime.getRuntime().availableProcessors()));
    static final Pool INSTANCE = new Pool();

    final ConcurrentLinkedQueue<Job> queue = new ConcurrentLinkedQueue<>();
    final Worker[] workers = new Worker[SIZE];

    private Pool() {
      for (int i = 0; i < SIZE; i++) {
        workers[i] = new Worker(this);
        workers[i].setName("lianbang-intraop-" + i);
        workers[i].setDaemon(true);
        workers[i].start();
      }
    }

    void submit(Job job, int helpers) {
      int n = Math.min(helpers, SIZE);
      for (int i = 0; i < n; i++) queue.offer(job);
      for (Worker w : workers) {
        if (n == 0) break;
        if (w.parked) {
          LockSupport.unpark(w);
          n--;
        }
      }
    }
  }

  private static final class Worker extends Thread {
    final Pool pool;
    volatile boolean parked;

    Worker(Pool pool) {
      this.pool = pool;
    }

    @Override
    public void run() {
      long idleSince = System.nanoTime();
      while (true) {
        Job job = pool.queue.poll();
        if (job != null) {
          job.work();
          idleSince = System.nanoTime();
        } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
          Thread.onSpinWait();
        } else if (System.nanoTime() - idleSince < YIELD_NANOS) {
          Thread.yield();
        } else {
          parked = true;
          if (pool.queue.isEmpty()) LockSupport.parkNanos(this, PARK_NANOS);
          parked = false;
        }
      }
    }
  }
}
