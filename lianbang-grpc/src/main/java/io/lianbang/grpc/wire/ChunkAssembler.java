package io.lianbang.grpc.wire;

import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.grpc.proto.v1.TensorChunk;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rebuilds parameters of a known layout from chunks received in protocol order, checking every
 * chunk as it arrives: the expected tensor and byte offset, a whole number of values, no more
 * than the chunk limit, no bytes beyond the tensor's end, and (optionally) finite values. Each
 * tensor's array is allocated when its first chunk arrives and filled in place, so memory is the
 * model itself plus one chunk. Not thread-safe.
 */
public final class ChunkAssembler {
  private final List<int[]> shapes;
  private final int maxChunkBytes;
  private final boolean requireFinite;
  private final List<Tensor> done = new ArrayList<>();
  private float[] current;
  private int filled; // values of the current tensor received so far

  /**
   * @param shapes the layout the chunks must fill
   * @param maxChunkBytes the largest chunk payload accepted
   * @param requireFinite whether NaN and infinite values are rejected
   */
  public ChunkAssembler(List<int[]> shapes, int maxChunkBytes, boolean requireFinite) {
    this.shapes = List.copyOf(shapes);
    this.maxChunkBytes = maxChunkBytes;
    this.requireFinite = requireFinite;
    advancePastEmpty();
  }

  private void advancePastEmpty() {
    while (done.size() < shapes.size() && current == null && TensorSpecs.values(shapes.get(done.size())) == 0) {
      done.add(Tensor.zeros(shapes.get(done.size())));
    }
  }

  /**
   * Adds the next chunk.
   *
   * @throws IllegalArgumentException naming the problem if the chunk is not the one expected
   */
  public void accept(TensorChunk chunk) {
    int index = done.size();
    if (index >= shapes.size()) {
      throw new IllegalArgumentException("chunk for tensor[" + chunk.getTensorIndex() + "] arrived after all "
          + shapes.size() + " tensors were complete");
    }
    long expectedOffset = 4L * filled;
    if (chunk.getTensorIndex() != index || chunk.getByteOffset() != expectedOffset) {
      throw new IllegalArgumentException("chunk out of order: expected tensor[" + index + "] at byte " + expectedOffset
          + " but got tensor[" + chunk.getTensorIndex() + "] at byte " + chunk.getByteOffset());
    }
    int bytes = chunk.getData().size();
    if (bytes == 0) throw new IllegalArgumentException("chunk for tensor[" + index + "] at byte " + expectedOffset + " is empty");
    if (bytes > maxChunkBytes) {
      throw new IllegalArgumentException("chunk for tensor[" + index + "] has " + bytes + " bytes, more than the limit of " + maxChunkBytes);
    }
    if (bytes % 4 != 0) {
      throw new IllegalArgumentException("chunk for tensor[" + index + "] has " + bytes + " bytes, not a whole number of float32 values");
    }
    int[] shape = shapes.get(index);
    long total = TensorSpecs.values(shape);
    int n = bytes / 4;
    if (filled + (long) n > total) {
      throw new IllegalArgumentException("chunk for tensor[" + index + "] " + Arrays.toString(shape) + " runs past its end: "
          + (filled + (long) n) + " values for a tensor of " + total);
    }
    if (current == null) current = new float[(int) total];
    FloatBuffer in = chunk.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    in.get(current, filled, n);
    if (requireFinite) {
      for (int j = filled; j < filled + n; j++) {
        if (!Float.isFinite(current[j])) {
          throw new IllegalArgumentException("tensor[" + index + "][" + j + "] = " + current[j] + " is not finite");
        }
      }
    }
    filled += n;
    if (filled == total) {
      done.add(Tensor.adopt(shape, current));
      current = null;
      filled = 0;
      advancePastEmpty();
    }
  }

  /** True once every tensor is complete. */
  public boolean complete() {
    return done.size() == shapes.size();
  }

  /**
   * The assembled parameters.
   *
   * @throws IllegalArgumentException naming the first incomplete tensor if chunks are missing
   */
  public Parameters finish() {
    if (!complete()) {
      int index = done.size();
      throw new IllegalArgumentException("upload is truncated: tensor[" + index + "] has " + (4L * filled) + " of "
          + (4L * TensorSpecs.values(shapes.get(index))) + " bytes, and " + (shapes.size() - index - 1) + " later tensors are missing");
    }
    return Parameters.of(done);
  }
}
