package io.lianbang.grpc.wire;

import com.google.protobuf.UnsafeByteOperations;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.grpc.proto.v1.TensorChunk;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Produces the chunks of a model's parameters in protocol order, one at a time: memory is one
 * chunk, whatever the model's size. Not thread-safe.
 */
public final class ChunkEncoder implements Iterator<TensorChunk> {
  private final Parameters parameters;
  private final int valuesPerChunk;
  private int tensor;
  private int position; // in values within the current tensor

  /**
   * @param maxChunkBytes the largest chunk payload, at least 4 bytes; rounded down to whole values
   * @throws IllegalArgumentException if {@code maxChunkBytes} is below 4
   */
  public ChunkEncoder(Parameters parameters, int maxChunkBytes) {
    if (maxChunkBytes < 4) throw new IllegalArgumentException("maxChunkBytes must be >= 4, got " + maxChunkBytes);
    this.parameters = parameters;
    this.valuesPerChunk = maxChunkBytes / 4;
    skipEmpty();
  }

  private void skipEmpty() {
    while (tensor < parameters.count() && position >= parameters.tensor(tensor).size()) {
      tensor++;
      position = 0;
    }
  }

  @Override
  public boolean hasNext() {
    return tensor < parameters.count();
  }

  @Override
  public TensorChunk next() {
    if (!hasNext()) throw new NoSuchElementException();
    Tensor t = parameters.tensor(tensor);
    int n = Math.min(valuesPerChunk, t.size() - position);
    byte[] bytes = new byte[n * 4];
    t.writeTo(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer(), position, n);
    TensorChunk chunk = TensorChunk.newBuilder()
        .setTensorIndex(tensor)
        .setByteOffset(4L * position)
        .setData(UnsafeByteOperations.unsafeWrap(bytes)) // the array is fresh and never touched again
        .build();
    position += n;
    skipEmpty();
    return chunk;
  }
}
