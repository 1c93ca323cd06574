package io.lianbang.vertical.psi;

import io.lianbang.vertical.link.LinkException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Hashing and blinding of a batch on a few threads (a party's share of the PSI work): a batch is
 * cut into one contiguous slice per thread, each slice with its own {@link X25519Blinder.Worker}.
 * Points travel as 32-byte little-endian u-coordinates, concatenated.
 */
final class ParallelBlinding implements AutoCloseable {
  private final HashToCurve25519 hash;
  private final ExecutorService pool;
  private final int threads;
  private final ThreadLocal<X25519Blinder.Worker> workers;

  ParallelBlinding(X25519Blinder blinder, HashToCurve25519 hash, int threads, String role) {
    this.hash = hash;
    this.threads = threads;
    this.workers = ThreadLocal.withInitial(blinder::worker);
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "psi-" + role);
      t.setDaemon(true);
      return t;
    });
  }

  /** H(ids[order[i]])^k for i in [from, to) ({@code order} null: the identity), as 32-byte points. */
  byte[] hashAndBlind(List<String> ids, int[] order, int from, int to) {
    byte[] out = new byte[(to - from) * 32];
    run(to - from, (lo, hi) -> {
      X25519Blinder.Worker w = workers.get();
      for (int i = lo; i < hi; i++) {
        int row = order == null ? from + i : order[from + i];
        BigInteger u = hash.hashToU(ids.get(row).getBytes(StandardCharsets.UTF_8));
        if (!w.blind(u, out, i * 32)) throw new IllegalStateException("id at row " + row + " hashes to a small-order point");
      }
    });
    return out;
  }

  /**
   * Blinds a peer's {@code count} points again.
   *
   * @param what names the message in refusals, e.g. "psi.receiver/3 from guest"
   * @throws LinkException (REFUSED) naming the point if one is not a canonical u-coordinate or has small order
   */
  byte[] blindPeerPoints(byte[] points, int count, String what) {
    byte[] out = new byte[count * 32];
    run(count, (lo, hi) -> {
      X25519Blinder.Worker w = workers.get();
      for (int i = lo; i < hi; i++) {
        BigInteger u = Curve25519Field.decode(points, i * 32);
        if (u.compareTo(Curve25519Field.P) >= 0) {
          throw new LinkException(LinkException.Reason.REFUSED, what + ": points[" + i + "] is not a canonical u-coordinate (>= 2^255 - 19)");
        }
        if (!w.blind(u, out, i * 32)) {
          throw new LinkException(LinkException.Reason.REFUSED, what + ": points[" + i + "] has small order (u = " + u.toString(16) + ")");
        }
      }
    });
    return out;
  }

  private interface Slice {
    void run(int lo, int hi);
  }

  private void run(int n, Slice slice) {
    if (n == 0) return;
    int parts = Math.min(threads, Math.max(1, n / 64));
    List<Callable<Void>> tasks = new ArrayList<>(parts);
    for (int p = 0; p < parts; p++) {
      int lo = (int) ((long) n * p / parts);
      int hi = (int) ((long) n * (p + 1) / parts);
      tasks.add(() -> {
        slice.run(lo, hi);
        return null;
      });
    }
    try {
      for (Future<Void> f : pool.invokeAll(tasks)) f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while blinding", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) throw r;
      throw new IllegalStateException("blinding failed", c);
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
