package io.lianbang.grpc.server;

import java.util.LinkedHashSet;
import java.util.concurrent.Executor;

/**
 * Admission of result uploads: at most {@code limit} uploads receive their tensor chunks at once;
 * the others wait, in arrival order, with their chunks held back by HTTP/2 flow control (the
 * server does not read them), so the server never assembles more than {@code limit} models at a
 * time however many clients finish together. A waiting upload is admitted when an admitted one
 * ends (accepted, refused, broken off or closed by its task's deadline). Thread-safe.
 */
final class UploadGate {
  private final int limit;
  private final Executor callbacks;
  private final LinkedHashSet<ResultUpload> waiting = new LinkedHashSet<>();
  private int admitted;

  /**
   * @param limit uploads admitted at once, at least 1
   * @param callbacks where a waiting upload is told it was admitted (never the releasing thread)
   */
  UploadGate(int limit, Executor callbacks) {
    this.limit = limit;
    this.callbacks = callbacks;
  }

  /** Admits {@code upload} now (true) or queues it, to be told later through {@link ResultUpload#admitted()}. */
  synchronized boolean admit(ResultUpload upload) {
    if (admitted < limit) {
      admitted++;
      return true;
    }
    waiting.add(upload);
    return false;
  }

  /**
   * Ends {@code upload}'s claim: a waiting upload leaves the queue; an admitted one frees its place
   * for the next in line.
   *
   * @param wasAdmitted whether {@code upload} had been admitted
   */
  void release(ResultUpload upload, boolean wasAdmitted) {
    ResultUpload next;
    synchronized (this) {
      if (!wasAdmitted) {
        waiting.remove(upload);
        return;
      }
      admitted--;
      var it = waiting.iterator();
      if (!it.hasNext()) return;
      next = it.next();
      it.remove();
      admitted++;
    }
    callbacks.execute(next::admitted);
  }
}
