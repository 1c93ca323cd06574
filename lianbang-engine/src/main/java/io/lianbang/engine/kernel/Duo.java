package io.lianbang.engine.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A low-latency two-way split for operations too small for {@link IntraOp}: the caller runs part
 * 0 while one persistent daemon worker, which spins briefly on a sequence number after each task
 * before parking, runs part 1.
 *
 * <p>Part 1 is claimed by whichever thread gets to it first: a caller that finishes part 0 before
 * the worker has picked up part 1 runs it itself, so a descheduled worker costs at most the time
 * of the part. The split is static (part 0 always goes to the caller), so when an operation is
 * repeated the same thread touches the same data, and it stays in that core's cache.
 *
 * <p>One caller at a time uses the worker; a concurrent caller runs both parts itself. Waiting
 * for a claimed part is bounded by {@code lianbang.intraop.timeoutSeconds} (default 600).
 */
final class Duo {
  /** The worker spins this long after its last task before parking. */
  private static final long WORKER_SPIN_NANOS = Long.getLong("lianbang.intraop.duoSpinMicros", 200L) * 1000L;
  private static final long WORKER_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
  /** The caller spins this long for the worker's part before yielding and parking. */
  private static final long CALLER_SPIN_NANOS = 50_000L;
  private static final long TIMEOUT_NANOS =
      TimeUnit.SECONDS.toNanos(Long.getLong("lianbang.intraop.timeoutSeconds", 600L));

  private static final int OPEN = 0;
  private static final int BY_WORKER = 1;
  private static final int BY_CALLER = 2;

  private static final VarHandle CLAIM;
  private static final VarHandle BUSY;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      CLAIM = l.findVarHandle(Duo.class, "claim", int.class);
      BUSY = l.findVarHandle(Duo.class, "busy", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final class Holder {
    static final Duo INSTANCE = new Duo();
  }

  /** Sequence number of the last posted task; written by the caller after the task fields. */
  private volatile long posted;
  /** Sequence number of the last task the worker finished. */
  private volatile long finished;
  /** Who runs part 1 of the current task. */
  @SuppressWarnings("unused")
  private volatile int claim = BY_CALLER;
  /** 1 while a caller owns the worker. */
  @SuppressWarnings("unused")
  private volatile int busy;
  private volatile boolean parked;
  private IntConsumer task;
  /** Sequence number of {@link #task}; written, like the task, before the claim is opened. */
  private long current;
  private volatile Throwable error;
  private final Thread worker;

  private Duo() {
    worker = new Thread(this::loop, "lianbang-duo");
    worker.setDaemon(true);
    worker.start();
  }

  /** Runs {@code body.accept(0)} and {@code body.accept(1)}, in parallel when the worker is free. */
  static void invoke(IntConsumer body) {
    Holder.INSTANCE.run(body);
  }

  private void run(IntConsumer body) {
    if (!BUSY.compareAndSet(this, 0, 1)) {
      body.accept(0);
      body.accept(1);
      return;
    }
    try {
      long seq = posted + 1;
      task = body;
      current = seq;
      error = null;
      CLAIM.setVolatile(this, OPEN);
      posted = seq;
      if (parked) LockSupport.unpark(worker);
      body.accept(0);
      if (CLAIM.compareAndSet(this, OPEN, BY_CALLER)) {
        body.accept(1);
      } else {
        await(seq);
        Throwable t = error;
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error e) throw e;
        if (t != null) throw new IllegalStateException("intra-op part failed", t);
      }
    } finally {
      task = null;
      BUSY.setVolatile(this, 0);
    }
  }

  private void await(long seq) {
    long start = System.nanoTime();
    while (finished != seq) {
      long waited = System.nanoTime() - start;
      if (waited < CALLER_SPIN_NANOS) {
        Thread.onSpinWait();
      } else if (waited > TIMEOUT_NANOS) {
        throw new IllegalStateException("intra-op: the second part did not finish within "
            + TimeUnit.NANOSECONDS.toSeconds(TIMEOUT_NANOS) + " s");
      } else {
        LockSupport.parkNanos(this, 20_000L);
      }
    }
  }

  private void loop() {
    long seen = 0;
    long idleSince = System.nanoTime();
    while (true) {
      long seq = posted;
      if (seq != seen) {
        seen = seq;
        if (CLAIM.compareAndSet(this, OPEN, BY_WORKER)) {
          // the claim may belong to a task posted after the one seen: take its own number
          long mine = current;
          try {
            task.accept(1);
          } catch (Throwable t) {
            error = t;
          }
          finished = mine;
          seen = Math.max(seen, mine);
        }
        idleSince = System.nanoTime();
      } else if (System.nanoTime() - idleSince < WORKER_SPIN_NANOS) {
        Thread.onSpinWait();
      } else {
        parked = true;
        if (posted == seen) LockSupport.parkNanos(this, WORKER_PARK_NANOS);
        parked = false;
        idleSince = System.nanoTime();
      }
    }
  }
}
