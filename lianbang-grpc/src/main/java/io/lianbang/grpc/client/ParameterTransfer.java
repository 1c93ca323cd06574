package io.lianbang.grpc.client;

import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.lianbang.core.compress.Codec;
import io.lianbang.core.compress.EncodedTensors;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.grpc.proto.v1.DownloadRequest;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import io.lianbang.grpc.proto.v1.ParametersSpec;
import io.lianbang.grpc.proto.v1.ResultHeader;
import io.lianbang.grpc.proto.v1.ResultPart;
import io.lianbang.grpc.proto.v1.SubmitResponse;
import io.lianbang.grpc.proto.v1.TaskRef;
import io.lianbang.grpc.proto.v1.TensorChunk;
import io.lianbang.grpc.wire.ChunkAssembler;
import io.lianbang.grpc.wire.ChunkEncoder;
import io.lianbang.grpc.wire.EncodedChunkAssembler;
import io.lianbang.grpc.wire.EncodedChunkEncoder;
import io.lianbang.grpc.wire.TensorSpecs;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The parameter transfers of a {@link FederationClient}: checks a task's declared model against
 * the client's limits, downloads the parameters, and uploads a result in chunks under the task's
 * deadline with flow control. Thread-safe (it holds only the stubs and settings).
 */
final class ParameterTransfer {
  private final FederationGrpc.FederationBlockingStub blocking;
  private final FederationGrpc.FederationStub async;
  private final ClientSettings settings;

  ParameterTransfer(FederationGrpc.FederationBlockingStub blocking, FederationGrpc.FederationStub async, ClientSettings settings) {
    this.blocking = blocking;
    this.async = async;
    this.settings = settings;
  }

  /**
   * The shapes of a task's model, checked against this client's limits before anything is
   * allocated or downloaded.
   *
   * @throws IllegalArgumentException naming the declared size and the limit it exceeds, or the
   *     tensor whose layout is unusable
   */
  List<int[]> acceptedLayout(ParametersSpec spec) {
    int count = spec.getTensorsCount();
    if (count > settings.maxModelTensors()) {
      throw new IllegalArgumentException("the task's model declares " + count + " tensors, more than this client's limit maxModelTensors = "
          + settings.maxModelTensors());
    }
    List<int[]> shapes;
    try {
      shapes = TensorSpecs.shapes(spec);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the task's model layout is unusable: " + e.getMessage(), e);
    }
    long bytes = TensorSpecs.byteSize(shapes);
    if (bytes > settings.maxModelBytes()) {
      throw new IllegalArgumentException("the task's model declares " + bytes + " bytes in " + count
          + " tensors, more than this client's limit maxModelBytes = " + settings.maxModelBytes());
    }
    return shapes;
  }

  /** Downloads a task's parameters of the given layout; {@code INTERNAL} if the server sends malformed chunks. */
  Parameters download(TaskRef ref, List<int[]> layout, Deadline deadline, int maxChunkBytes) {
    ChunkAssembler assembler = new ChunkAssembler(layout, Math.max(maxChunkBytes, 4), false);
    Iterator<TensorChunk> chunks = blocking.withDeadline(deadline).downloadParameters(DownloadRequest.newBuilder().setTask(ref).build());
    try {
      while (chunks.hasNext()) assembler.accept(chunks.next());
      return assembler.finish();
    } catch (IllegalArgumentException e) {
      throw Status.INTERNAL.withDescription("the server sent malformed parameters: " + e.getMessage()).asRuntimeException();
    }
  }

  /**
   * Downloads a task's parameters encoded by {@code codec}: each tensor's encoded bytes, exactly
   * the codec's size for its values; {@code INTERNAL} if the server sends malformed chunks.
   */
  EncodedTensors downloadEncoded(TaskRef ref, Codec codec, List<int[]> layout, Deadline deadline, int maxChunkBytes) {
    EncodedChunkAssembler assembler = new EncodedChunkAssembler(codec, layout, Math.max(maxChunkBytes, 1));
    Iterator<TensorChunk> chunks = blocking.withDeadline(deadline).downloadParameters(DownloadRequest.newBuilder().setTask(ref).build());
    try {
      while (chunks.hasNext()) assembler.accept(chunks.next());
      return assembler.finish();
    } catch (IllegalArgumentException e) {
      throw Status.INTERNAL.withDescription("the server sent malformed encoded parameters: " + e.getMessage()).asRuntimeException();
    }
  }

  /** Uploads a result with the trained model as float32 (null: no tensors), each chunk only when the transport is ready for it. */
  SubmitResponse upload(ResultHeader header, Parameters parameters, Deadline deadline, int maxChunkBytes)
      throws InterruptedException {
    return upload(header, parameters == null ? null : new ChunkEncoder(parameters, maxChunkBytes), deadline);
  }

  /** Uploads a result whose tensors are an encoded update, in chunks of at most {@code maxChunkBytes}. */
  SubmitResponse upload(ResultHeader header, EncodedTensors update, Deadline deadline, int maxChunkBytes)
      throws InterruptedException {
    return upload(header, new EncodedChunkEncoder(update, maxChunkBytes), deadline);
  }

  /** Uploads a result whose tensors are given as bytes (an edge's exact partial sum), in chunks of at most {@code maxChunkBytes}. */
  SubmitResponse upload(ResultHeader header, java.util.List<byte[]> tensors, Deadline deadline, int maxChunkBytes)
      throws InterruptedException {
    return upload(header, new EncodedChunkEncoder(tensors, maxChunkBytes), deadline);
  }

  private SubmitResponse upload(ResultHeader header, Iterator<TensorChunk> chunks, Deadline deadline) throws InterruptedException {
    Object ready = new Object();
    CompletableFuture<SubmitResponse> done = new CompletableFuture<>();
    @SuppressWarnings("unchecked")
    ClientCallStreamObserver<ResultPart>[] call = new ClientCallStreamObserver[1];
    async.withDeadline(deadline).submitResult(new ClientResponseObserver<ResultPart, SubmitResponse>() {
      private SubmitResponse response;

      @Override
      public void beforeStart(ClientCallStreamObserver<ResultPart> requests) {
        call[0] = requests;
        requests.setOnReadyHandler(() -> {
          synchronized (ready) {
            ready.notifyAll();
          }
        });
      }

      @Override
      public void onNext(SubmitResponse value) {
        response = value;
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
        synchronized (ready) {
          ready.notifyAll();
        }
      }

      @Override
      public void onCompleted() {
        done.complete(response);
      }
    });
    ClientCallStreamObserver<ResultPart> requests = call[0];
    requests.onNext(ResultPart.newBuilder().setHeader(header).build());
    if (chunks != null) {
      while (chunks.hasNext() && !done.isDone()) {
        synchronized (ready) {
          while (!requests.isReady() && !done.isDone()) {
            long millis = deadline.timeRemaining(TimeUnit.MILLISECONDS);
            if (millis <= 0) break;
            ready.wait(Math.min(millis, 1000));
          }
        }
        if (deadline.isExpired() && !done.isDone()) {
          requests.cancel("the task's deadline passed during the upload", null);
          break;
        }
        if (!done.isDone()) requests.onNext(ResultPart.newBuilder().setChunk(chunks.next()).build());
      }
    }
    if (!done.isDone()) requests.onCompleted();
    try {
      return done.get(Math.max(1, deadline.timeRemaining(TimeUnit.MILLISECONDS)) + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException s) throw s;
      throw Status.fromThrowable(e.getCause()).asRuntimeException();
    } catch (TimeoutException e) {
      requests.cancel("no answer to the upload", null);
      throw Status.DEADLINE_EXCEEDED.withDescription("no answer to the upload before the deadline").asRuntimeException();
    }
  }
}
