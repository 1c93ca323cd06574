package io.lianbang.grpc.server;

import io.lianbang.grpc.RefusalReason;
import io.grpc.stub.ServerCallStreamObserver;
import io.lianbang.grpc.proto.v1.TensorChunk;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@code DownloadParameters} call: sends the shared chunks of the task's model in order, only
 * while the transport can take more (memory per download is what flow control lets through, not
 * a copy of the model), and ends when the last chunk is sent, the caller cancels, or the task
 * closes (answered, its deadline passed, or its round ended) — a stalled download holds nothing
 * past its task. Gives the session's download place back exactly once.
 */
final class Download {
  private final ServerCallStreamObserver<TensorChunk> call;
  private final List<TensorChunk> chunks;
  private final RemoteClient client;
  private final PendingTask task;
  private final Runnable sent;
  private final AtomicInteger inFlight;
  private int next;
  private boolean done;

  /**
   * @param sent runs once the last chunk has been handed to the transport
   * @param inFlight counts the download from its start until it ends
   */
  Download(ServerCallStreamObserver<TensorChunk> call, List<TensorChunk> chunks, RemoteClient client, PendingTask task, Runnable sent,
      AtomicInteger inFlight) {
    this.call = call;
    this.chunks = chunks;
    this.client = client;
    this.task = task;
    this.sent = sent;
    this.inFlight = inFlight;
  }

  /** Starts sending; {@code callbacks} runs the end of the download when the task closes. */
  void start(Executor callbacks) {
    inFlight.incrementAndGet();
    call.setOnCancelHandler(this::cancelled);
    call.setOnReadyHandler(this::drain);
    task.result.whenCompleteAsync((r, e) -> taskClosed(), callbacks);
    drain();
  }

  private synchronized void drain() {
    if (done) return;
    while (call.isReady() && next < chunks.size() && !call.isCancelled()) call.onNext(chunks.get(next++));
    if (next == chunks.size() && !call.isCancelled()) {
      end();
      call.onCompleted();
      sent.run();
    }
  }

  private synchronized void cancelled() {
    if (!done) end();
  }

  private synchronized void taskClosed() {
    if (done) return;
    end();
    if (!call.isCancelled()) {
      call.onError(FederationService.reject(RefusalReason.TASK_CLOSED, "DownloadParameters", client.id,
          "task '" + task.id + "' closed during the download (its deadline passed or its round ended)"));
    }
  }

  private void end() {
    done = true;
    client.endDownload();
    inFlight.decrementAndGet();
  }
}
