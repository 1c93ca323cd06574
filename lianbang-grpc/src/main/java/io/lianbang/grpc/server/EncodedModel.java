package io.lianbang.grpc.server;

import io.lianbang.core.compress.EncodedTensors;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.grpc.proto.v1.TensorChunk;
import io.lianbang.grpc.wire.ChunkEncoder;
import io.lianbang.grpc.wire.EncodedChunkEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * The chunks of the model clients are downloading, encoded once and shared by every download of
 * it: a round's downloads cost one encoded copy of the model, not one per client. Holds the most
 * recently requested model only (all tasks of a round start from the same global model), and
 * likewise the most recently requested encoded broadcast.
 * Thread-safe.
 */
final class EncodedModel {
  private record Entry(Object source, List<TensorChunk> chunks) {}

  private final int maxChunkBytes;
  private Entry current;
  private Entry currentEncoded;

  EncodedModel(int maxChunkBytes) {
    this.maxChunkBytes = maxChunkBytes;
  }

  /** The chunks of {@code parameters}, in protocol order; encoded on the first request. */
  synchronized List<TensorChunk> chunks(Parameters parameters) {
    if (current == null || current.source != parameters) {
      current = null; // let the previous model's chunks go before encoding the next
      List<TensorChunk> out = new ArrayList<>();
      new ChunkEncoder(parameters, maxChunkBytes).forEachRemaining(out::add);
      current = new Entry(parameters, List.copyOf(out));
    }
    return current.chunks();
  }

  /** The chunks of {@code encoded} (a round's encoded broadcast), in protocol order; produced on the first request. */
  synchronized List<TensorChunk> chunks(EncodedTensors encoded) {
    if (currentEncoded == null || currentEncoded.source != encoded) {
      currentEncoded = null;
      List<TensorChunk> out = new ArrayList<>();
      new EncodedChunkEncoder(encoded, maxChunkBytes).forEachRemaining(out::add);
      currentEncoded = new Entry(encoded, List.copyOf(out));
    }
    return currentEncoded.chunks();
  }
}
