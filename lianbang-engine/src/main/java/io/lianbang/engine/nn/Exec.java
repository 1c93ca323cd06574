package io.lianbang.engine.nn;

import io.lianbang.engine.kernel.IntraOp;
import io.lianbang.engine.kernel.Kernel;

/** How a forward or backward pass runs: the kernel, the intra-op thread count, train or eval mode. */
final class Exec {
  final Kernel kernel;
  final int threads;
  final boolean training;
  /**
   * The learning rate of a plain SGD step (no momentum, no weight decay) that layers may apply
   * to their parameters during backward, fused with the gradient computation; NaN when the
   * optimizer must apply the step itself from the stored gradients.
   */
  final float fusedSgdLr;

  Exec(Kernel kernel, int threads, boolean training) {
    this(kernel, threads, training, Float.NaN);
  }

  Exec(Kernel kernel, int threads, boolean training, float fusedSgdLr) {
    this.kernel = kernel;
    this.threads = threads;
    this.training = training;
    this.fusedSgdLr = fusedSgdLr;
  }

  /** True if layers should apply the plain SGD step themselves in backward. */
  boolean fusedSgd() {
    return !Float.isNaN(fusedSgdLr);
  }

  /** A body run over the index range {@code [from, to)} by part {@code part}. */
  interface RangeBody {
    void run(int part, int from, int to);
  }

  /** Splits {@code [0, n)} into at most {@code threads} contiguous parts and runs them in parallel. */
  void parallel(int n, RangeBody body) {
    int parts = Math.max(1, Math.min(threads, n));
    if (parts == 1) {
      body.run(0, 0, n);
      return;
    }
    IntraOp.invoke(parts, p -> body.run(p, IntraOp.splitPoint(n, parts, p), IntraOp.splitPoint(n, parts, p + 1)));
  }

  /** Element operations below which {@link #parallel(int, long, RangeBody)} stays on the calling thread. */
  static final long MIN_WORK = Long.getLong("lianbang.intraop.minWork", 1_000_000L);

  /** Like {@link #parallel} but runs on the calling thread when the work is small. */
  void parallel(int n, long work, RangeBody body) {
    if (work < MIN_WORK || threads == 1) {
      body.run(0, 0, n);
    } else {
      parallel(n, body);
    }
  }
}
