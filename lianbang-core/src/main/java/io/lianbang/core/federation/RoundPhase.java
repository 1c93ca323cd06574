package io.lianbang.core.federation;

import io.lianbang.core.client.Deadlines;
import io.lianbang.core.client.InvalidResultException;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.strategy.ClientInstruction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * One phase of a round (training or federated evaluation): the results of the clients asked,
 * each checked and folded in by {@code accept} on the thread that delivers it, one at a time,
 * under this object's lock, and then dropped — nothing keeps a result once it has been folded in,
 * so a streaming strategy holds O(model) memory however many clients report. Only what the
 * listeners need (who finished, and whether it succeeded) waits for the round's thread. At the
 * deadline the phase closes: later results are ignored and their calls cancelled.
 *
 * <p>A phase whose {@code accept} is {@code concurrent} folds results in outside its lock instead,
 * several at once; the phase then closes only once every result it let in is folded in.
 *
 * <p>{@code accept} refuses a result by throwing {@link IllegalArgumentException} (the client's
 * failure); any other exception is a fault of the strategy and ends the run.
 */
final class RoundPhase<R> {
  private final int round;
  private final BiConsumer<ClientInstruction, R> accept;
  private final boolean concurrent;
  private final List<RoundListener> listeners;
  private final FailureLog failureLog;
  private final List<ClientFailure> failures = new ArrayList<>();
  private final Map<ClientInstruction, CompletableFuture<R>> outstanding = new IdentityHashMap<>();
  private final LinkedBlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
  private int tracked;
  /** Clients finished, counted when there are no listeners to tell. */
  private int finishedCount;
  private int accepted;
  /** Results being folded in outside the lock (a concurrent phase). */
  private int folding;
  private boolean closed;
  private RuntimeException fault;

  /** How long closing waits for results already being folded in. */
  private static final long FOLD_BOUND_NANOS = TimeUnit.MINUTES.toNanos(10);

  private record Finished(String clientId, boolean succeeded) {}

  /**
   * @param concurrent true if {@code accept} may run on several threads at once
   * @param listeners told of every client that finishes (empty for none)
   */
  RoundPhase(int round, BiConsumer<ClientInstruction, R> accept, boolean concurrent, List<RoundListener> listeners,
      FailureLog failureLog) {
    this.round = round;
    this.accept = accept;
    this.concurrent = concurrent;
    this.listeners = listeners;
    this.failureLog = failureLog;
  }

  /** Records a client that could not even be asked. */
  synchronized void fail(String clientId, ClientFailure.Kind kind, String message) {
    failures.add(new ClientFailure(clientId, kind, message));
  }

  /** Waits for {@code f}, the answer of the client {@code in} names. Called from the round's thread only. */
  void track(ClientInstruction in, CompletableFuture<R> f) {
    synchronized (this) {
      outstanding.put(in, f);
      tracked++;
    }
    f.handle((result, error) -> {
      arrived(in, result, error);
      // Release the result: a future promoted while its client waited in a queue would otherwise
      // keep a whole model alive until the next full collection (see ClientProxy).
      if (error == null) f.obtrudeValue(null);
      return null; // handle, not whenComplete: the dependent future holds no result either
    });
  }

  private void arrived(ClientInstruction in, R result, Throwable error) {
    synchronized (this) {
      if (closed || outstanding.remove(in) == null) return;
      if (error != null) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        ClientFailure.Kind kind = cause instanceof TimeoutException ? ClientFailure.Kind.TIMEOUT
            : cause instanceof InvalidResultException ? ClientFailure.Kind.INVALID : ClientFailure.Kind.ERROR;
        String message = kind == ClientFailure.Kind.TIMEOUT ? "no result before the deadline"
            : kind == ClientFailure.Kind.INVALID ? cause.getMessage() : describe(cause);
        failed(in.clientId(), kind, message, "client " + in.clientId() + " failed: " + message);
        finish(in.clientId(), false);
        return;
      }
      if (!concurrent) {
        fold(in, result);
        return;
      }
      folding++;
    }
    try {
      fold(in, result);
    } finally {
      synchronized (this) {
        folding--;
        notifyAll();
      }
    }
  }

  /** Folds {@code result} in: under the lock, or outside it in a concurrent phase. */
  private void fold(ClientInstruction in, R result) {
    String id = in.clientId();
    try {
      accept.accept(in, result);
      synchronized (this) {
        accepted++;
      }
      finish(id, true);
    } catch (IllegalArgumentException e) {
      synchronized (this) {
        failed(id, ClientFailure.Kind.INVALID, e.getMessage(), "rejected the result of client " + id + ": " + e.getMessage());
      }
      finish(id, false);
    } catch (RuntimeException e) { // a fault of the strategy, not of the client: the run ends
      synchronized (this) {
        fault = e;
        closed = true;
        notifyAll();
      }
      finish(id, false);
    }
  }

  /**
   * Records that {@code clientId} finished. With listeners, the round's thread hears of each
   * client; without, it is woken only when the last one finishes (or a fault ends the phase),
   * not once per client.
   */
  private void finish(String clientId, boolean succeeded) {
    if (!listeners.isEmpty()) {
      finished.add(new Finished(clientId, succeeded));
      return;
    }
    synchronized (this) {
      finishedCount++;
      if (finishedCount >= tracked || fault != null) notifyAll();
    }
  }

  private void failed(String clientId, ClientFailure.Kind kind, String message, String logText) {
    failureLog.failure(round, failures.size(), clientId, logText);
    failures.add(new ClientFailure(clientId, kind, message));
  }

  private synchronized boolean faulted() {
    return fault != null;
  }

  /**
   * Waits for every tracked answer or the deadline, then closes the phase, records the missing
   * answers as timeouts and cancels their calls.
   *
   * @throws RuntimeException the strategy's fault, if folding a result in failed
   */
  void await(Instant deadline) throws InterruptedException {
    if (listeners.isEmpty()) {
      synchronized (this) {
        for (long left; finishedCount < tracked && fault == null && (left = Deadlines.nanosLeft(deadline)) > 0; ) {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
      }
    }
    for (int seen = 0; !listeners.isEmpty() && seen < tracked; seen++) {
      long wait = Deadlines.nanosLeft(deadline);
      Finished f = wait > 0 ? finished.poll(wait, TimeUnit.NANOSECONDS) : finished.poll();
      if (f == null || faulted()) break;
      listeners.forEach(l -> l.clientFinished(round, f.clientId(), f.succeeded()));
    }
    List<CompletableFuture<R>> late;
    synchronized (this) {
      closed = true;
      awaitFolded();
      if (fault != null) throw fault;
      late = new ArrayList<>(outstanding.values());
      for (ClientInstruction in : outstanding.keySet()) {
        failed(in.clientId(), ClientFailure.Kind.TIMEOUT, "no result before the deadline", "client " + in.clientId() + " missed the deadline");
      }
      outstanding.clear();
      failureLog.phaseEnded(round, failures.size());
    }
    late.forEach(f -> f.cancel(true));
  }

  /**
   * Waits, holding the lock, until no result is being folded in. Folding is computation, not
   * communication, so it ends; the bound is there only so that no wait is unbounded.
   */
  private void awaitFolded() throws InterruptedException {
    long deadline = System.nanoTime() + FOLD_BOUND_NANOS;
    while (folding > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IllegalStateException("round " + round + ": " + folding + " results were still being folded in after "
            + TimeUnit.NANOSECONDS.toSeconds(FOLD_BOUND_NANOS) + " s");
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** Results folded in. */
  synchronized int accepted() {
    return accepted;
  }

  /** The phase's failures, by client id. */
  synchronized List<ClientFailure> failures() {
    List<ClientFailure> sorted = new ArrayList<>(failures);
    sorted.sort(Comparator.comparing(ClientFailure::clientId));
    return List.copyOf(sorted);
  }

  static String describe(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
