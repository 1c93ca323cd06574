package io.lianbang.grpc.server;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.lianbang.grpc.proto.v1.EvaluateInstruction;
import io.lianbang.grpc.proto.v1.FinishInstruction;
import io.lianbang.grpc.proto.v1.FitInstruction;
import io.lianbang.grpc.proto.v1.PaillierInstruction;
import io.lianbang.grpc.proto.v1.SecAggInstruction;
import io.lianbang.grpc.proto.v1.Task;
import io.lianbang.grpc.proto.v1.WaitInstruction;
import io.lianbang.grpc.wire.Encodings;
import io.lianbang.grpc.wire.TensorSpecs;
import io.lianbang.grpc.wire.Values;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One registered session of a remote client: its open tasks, in the order they were sent, and a
 * parked long poll waiting for the next one. Thread-safe.
 */
final class RemoteClient {
  private static final int CLOSED_TASKS_REMEMBERED = 256;

  final String id;
  final String sessionId;
  /** The codec names the client declared at registration that this server knows. */
  final List<String> codecs;
  /** The round whose fit-task start the client last said it holds (0: none). */
  private volatile int heldRound;
  /**
   * The round of the last broadcast start this server streamed to the client in full (0: none);
   * a delta is sent only against it, so a claim about a start from elsewhere (another process of
   * the same run, before a restart) is never trusted.
   */
  private volatile int deliveredStart;
  private volatile long lastSeenNanos = System.nanoTime();
  private final LinkedHashMap<String, PendingTask> open = new LinkedHashMap<>();
  private final LinkedHashMap<String, Boolean> closed = new LinkedHashMap<>(16, 0.75f, false) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > CLOSED_TASKS_REMEMBERED;
    }
  };
  private ServerCallStreamObserver<Task> waiter;
  private ScheduledFuture<?> waiterTimeout;
  /** Set when the session ends: what its polls receive from then on. */
  private StatusRuntimeException gone;
  /** Set once the client has been sent FINISH. */
  volatile boolean toldFinished;

  RemoteClient(String id, String sessionId, List<String> codecs, int deliveredStart) {
    this.id = id;
    this.sessionId = sessionId;
    this.codecs = List.copyOf(codecs);
    this.deliveredStart = deliveredStart;
  }

  /** Records that the client has received the broadcast start of {@code round} in full. */
  void startDelivered(int round) {
    deliveredStart = round;
  }

  /** Records the round whose fit-task start the client holds, as its latest poll says. */
  void held(int round) {
    heldRound = round;
  }

  private final java.util.concurrent.atomic.AtomicInteger downloads = new java.util.concurrent.atomic.AtomicInteger();

  /** Claims a download place; false if the session already has {@code limit} downloads open. */
  boolean beginDownload(int limit) {
    if (downloads.incrementAndGet() <= limit) return true;
    downloads.decrementAndGet();
    return false;
  }

  /** Gives a download place back. */
  void endDownload() {
    downloads.decrementAndGet();
  }

  void touch() {
    lastSeenNanos = System.nanoTime();
  }

  long silentNanos() {
    return System.nanoTime() - lastSeenNanos;
  }

  /** When the client last sent anything in this session, on the wall clock. */
  java.time.Instant lastSeen() {
    return java.time.Instant.now().minusNanos(silentNanos());
  }

  /** Adds a task; it is delivered at the next poll (at once if a poll is parked). */
  synchronized void enqueue(PendingTask task, String runId) {
    if (gone != null) {
      task.result.completeExceptionally(new ClientGoneException("client " + id + " disconnected"));
      return;
    }
    open.put(task.id, task);
    task.result.whenComplete((r, e) -> close(task));
    if (waiter != null) respond(describe(task, runId));
  }

  private synchronized void close(PendingTask task) {
    if (open.remove(task.id) != null) closed.put(task.id, Boolean.TRUE);
  }

  /** The open task with this id, or null. */
  synchronized PendingTask openTask(String taskId) {
    return open.get(taskId);
  }

  /** True if this session had a task with this id that is now closed (answered, timed out or cancelled). */
  synchronized boolean wasClosed(String taskId) {
    return closed.containsKey(taskId);
  }

  /**
   * Answers a long poll: the oldest open task (a client polls only when idle, so an open task it
   * asks for again is one whose delivery it lost), FINISH when the run is over ({@code finishReason} not null), the status the
   * session ended with if it was dropped, or, after at most {@code waitMillis}, WAIT.
   */
  synchronized void poll(ServerCallStreamObserver<Task> call, long waitMillis, String runId, String finishReason,
      ScheduledExecutorService timer) {
    if (waiter != null) respond(waitTask(runId)); // a newer poll replaces an abandoned one
    waiter = call;
    if (!open.isEmpty()) {
      respond(describe(open.values().iterator().next(), runId));
    } else if (finishReason != null) {
      respond(finishTask(runId, finishReason));
    } else if (gone != null) {
      fail(gone);
    } else {
      ServerCallStreamObserver<Task> mine = call;
      call.setOnCancelHandler(() -> {
        synchronized (RemoteClient.this) {
          if (waiter == mine) {
            waiter = null;
            if (waiterTimeout != null) waiterTimeout.cancel(false);
          }
        }
      });
      waiterTimeout = timer.schedule(() -> {
        synchronized (RemoteClient.this) {
          if (waiter == mine) respond(waitTask(runId));
        }
      }, waitMillis, TimeUnit.MILLISECONDS);
    }
  }

  /** Releases a parked poll with FINISH. */
  synchronized void finish(String runId, String reason) {
    if (waiter != null) respond(finishTask(runId, reason));
  }

  /**
   * Ends the session: every open task fails with {@code reason}; a parked poll, and any later
   * one, ends with {@code status}. Only {@link #finish} tells a client the run is over.
   */
  void drop(String reason, StatusRuntimeException status) {
    List<PendingTask> tasks;
    synchronized (this) {
      gone = status;
      tasks = new ArrayList<>(open.values());
      if (waiter != null) fail(status);
    }
    for (PendingTask t : tasks) t.result.completeExceptionally(new ClientGoneException(reason));
  }

  private void respond(Task task) {
    ServerCallStreamObserver<Task> w = release();
    if (w.isCancelled()) return;
    try {
      w.onNext(task);
      w.onCompleted();
    } catch (RuntimeException e) {
      // The call ended meanwhile; an open task is delivered again at the next poll.
    }
  }

  /** Ends the parked poll with an error status. */
  private void fail(StatusRuntimeException status) {
    ServerCallStreamObserver<Task> w = release();
    if (w.isCancelled()) return;
    try {
      w.onError(status);
    } catch (RuntimeException e) {
      // The call ended meanwhile.
    }
  }

  private ServerCallStreamObserver<Task> release() {
    ServerCallStreamObserver<Task> w = waiter;
    waiter = null;
    if (waiterTimeout != null) {
      waiterTimeout.cancel(false);
      waiterTimeout = null;
    }
    return w;
  }

  private static Task waitTask(String runId) {
    return Task.newBuilder().setRunId(runId).setWait(WaitInstruction.newBuilder().setRetryAfterMs(0)).build();
  }

  private Task finishTask(String runId, String reason) {
    toldFinished = true;
    return Task.newBuilder().setRunId(runId).setFinish(FinishInstruction.newBuilder().setReason(reason)).build();
  }

  private Task describe(PendingTask t, String runId) {
    Task.Builder b = Task.newBuilder().setRunId(runId).setRound(t.round).setTaskId(t.id)
        .setDeadlineUnixMs(t.deadline.toEpochMilli());
    if (t instanceof PendingTask.SecAgg s) {
      b.setSecagg(SecAggInstruction.newBuilder().setMessage(ByteString.copyFrom(s.request)));
    } else if (t instanceof PendingTask.Paillier p) {
      b.setPaillier(PaillierInstruction.newBuilder().setModulus(ByteString.copyFrom(p.key.n().toByteArray())).setLength(p.length));
    } else if (t instanceof PendingTask.Fit f) {
      int held = heldRound;
      f.deliver(codecs, held == deliveredStart ? held : 0);
      FitInstruction.Builder fit = FitInstruction.newBuilder().setParameters(TensorSpecs.of(f.parameters))
          .putAllConfig(Values.toProto(f.config)).setSeed(f.seed);
      if (f.download() != null) {
        fit.setDownloadEncoding(Encodings.of(f.download().codec())).setDownloadBaseRound(f.downloadBaseRound());
      }
      if (f.upload() != null) fit.setUploadEncoding(Encodings.of(f.upload())).setErrorFeedback(f.transfer.errorFeedback());
      b.setFit(fit);
    } else if (t instanceof PendingTask.Evaluate e) {
      b.setEvaluate(EvaluateInstruction.newBuilder().setParameters(TensorSpecs.of(e.parameters))
          .putAllConfig(Values.toProto(e.config)));
    }
    return b.build();
  }
}
