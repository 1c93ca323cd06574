package io.lianbang.grpc.wire;

import com.google.protobuf.ByteString;
import io.lianbang.core.compress.EncodedTensors;
import io.lianbang.grpc.proto.v1.TensorChunk;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Produces the chunks of encoded tensors in protocol order: each tensor's encoded bytes from
 * offset 0 to their end, in slices of at most the chunk limit; a tensor of no bytes has no chunks.
 * Memory is one chunk. Not thread-safe.
 */
public final class EncodedChunkEncoder implements Iterator<TensorChunk> {
  private final java.util.List<byte[]> tensors;
  private final int maxChunkBytes;
  private int tensor;
  private int position; // in bytes within the current tensor

  /**
   * @param maxChunkBytes the largest chunk payload, at least 1 byte
   * @throws IllegalArgumentException if {@code maxChunkBytes} is below 1
   */
  public EncodedChunkEncoder(EncodedTensors encoded, int maxChunkBytes) {
    this(encoded.tensors(), maxChunkBytes);
  }

  /**
   * The chunks of tensors given as their bytes (e.g. an exact sum's 16 bytes per value).
   *
   * @throws IllegalArgumentException if {@code maxChunkBytes} is below 1
   */
  public EncodedChunkEncoder(java.util.List<byte[]> tensors, int maxChunkBytes) {
    if (maxChunkBytes < 1) throw new IllegalArgumentException("maxChunkBytes must be >= 1, got " + maxChunkBytes);
    this.tensors = tensors;
    this.maxChunkBytes = maxChunkBytes;
    skipEmpty();
  }

  private void skipEmpty() {
    while (tensor < tensors.size() && position >= tensors.get(tensor).length) {
      tensor++;
      position = 0;
    }
  }

  @Override
  public boolean hasNext() {
    return tensor < tensors.size();
  }

  @Override
  public TensorChunk next() {
    if (!hasNext()) throw new NoSuchElementException();
    byte[] bytes = tensors.get(tensor);
    int n = Math.min(maxChunkBytes, bytes.length - position);
    TensorChunk chunk = TensorChunk.newBuilder()
        .setTensorIndex(tensor)
        .setByteOffset(position)
        .setData(ByteString.copyFrom(bytes, position, n))
        .build();
    position += n;
    skipEmpty();
    return chunk;
  }
}
