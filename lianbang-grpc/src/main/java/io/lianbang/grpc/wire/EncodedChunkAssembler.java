package io.lianbang.grpc.wire;

import io.lianbang.core.compress.Codec;
import io.lianbang.core.compress.EncodedTensors;
import io.lianbang.grpc.proto.v1.TensorChunk;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the encoded bytes of tensors of a known layout from chunks received in protocol order,
 * checking every chunk as it arrives: the expected tensor and byte offset, no more than the chunk
 * limit, and no bytes beyond the tensor's encoded size, exactly {@link Codec#encodedBytes} for its
 * values. Each tensor's array is allocated when its first chunk arrives, so memory is the
 * encoding itself plus one chunk. Not thread-safe.
 */
public final class EncodedChunkAssembler {
  private final Codec codec;
  /** What the bytes are, for messages: the codec's name or another format's. */
  private final String format;
  private final long[] sizes;
  private final int maxChunkBytes;
  private final List<byte[]> done = new ArrayList<>();
  private byte[] current;
  private int filled; // bytes of the current tensor received so far

  /**
   * @param codec the codec of every tensor
   * @param shapes the layout of the decoded tensors
   * @param maxChunkBytes the largest chunk payload accepted
   * @throws IllegalArgumentException naming the tensor if its encoding would exceed one array
   */
  public EncodedChunkAssembler(Codec codec, List<int[]> shapes, int maxChunkBytes) {
    this.codec = codec;
    this.format = codec.name();
    this.maxChunkBytes = maxChunkBytes;
    this.sizes = new long[shapes.size()];
    for (int t = 0; t < sizes.length; t++) {
      long values = TensorSpecs.values(shapes.get(t));
      sizes[t] = values > TensorSpecs.MAX_TENSOR_VALUES ? Long.MAX_VALUE : codec.encodedBytes((int) values);
      if (sizes[t] > TensorSpecs.MAX_TENSOR_VALUES) {
        throw new IllegalArgumentException("tensor[" + t + "] of " + values + " values encodes to more than "
            + TensorSpecs.MAX_TENSOR_VALUES + " bytes of " + codec.name());
      }
    }
    advancePastEmpty();
  }

  /**
   * An assembler of tensors of exactly {@code sizes[t]} bytes each in {@code format}, which is
   * named in messages (e.g. an exact sum's 16 bytes per value); {@link #bytes()} gives them.
   *
   * @throws IllegalArgumentException naming the tensor if a size exceeds one array
   */
  public EncodedChunkAssembler(String format, long[] sizes, int maxChunkBytes) {
    this.codec = null;
    this.format = format;
    this.maxChunkBytes = maxChunkBytes;
    this.sizes = sizes.clone();
    for (int t = 0; t < this.sizes.length; t++) {
      if (this.sizes[t] < 0 || this.sizes[t] > TensorSpecs.MAX_TENSOR_VALUES) {
        throw new IllegalArgumentException("tensor[" + t + "] takes " + this.sizes[t] + " bytes of " + format + ", more than "
            + TensorSpecs.MAX_TENSOR_VALUES);
      }
    }
    advancePastEmpty();
  }

  private void advancePastEmpty() {
    while (done.size() < sizes.length && current == null && sizes[done.size()] == 0) done.add(new byte[0]);
  }

  /**
   * Adds the next chunk.
   *
   * @throws IllegalArgumentException naming the problem if the chunk is not the one expected
   */
  public void accept(TensorChunk chunk) {
    int index = done.size();
    if (index >= sizes.length) {
      throw new IllegalArgumentException("chunk for tensor[" + chunk.getTensorIndex() + "] arrived after all "
          + sizes.length + " tensors were complete");
    }
    if (chunk.getTensorIndex() != index || chunk.getByteOffset() != filled) {
      throw new IllegalArgumentException("chunk out of order: expected tensor[" + index + "] at byte " + filled
          + " but got tensor[" + chunk.getTensorIndex() + "] at byte " + chunk.getByteOffset());
    }
    int bytes = chunk.getData().size();
    if (bytes == 0) throw new IllegalArgumentException("chunk for tensor[" + index + "] at byte " + filled + " is empty");
    if (bytes > maxChunkBytes) {
      throw new IllegalArgumentException("chunk for tensor[" + index + "] has " + bytes + " bytes, more than the limit of " + maxChunkBytes);
    }
    if (filled + (long) bytes > sizes[index]) {
      throw new IllegalArgumentException("chunk for tensor[" + index + "] runs past its end: " + (filled + (long) bytes)
          + " bytes of " + format + ", which encodes the tensor in exactly " + sizes[index]);
    }
    if (current == null) current = new byte[(int) sizes[index]];
    chunk.getData().copyTo(current, filled);
    filled += bytes;
    if (filled == sizes[index]) {
      done.add(current);
      current = null;
      filled = 0;
      advancePastEmpty();
    }
  }

  /**
   * The encoded tensors.
   *
   * @throws IllegalArgumentException naming the first incomplete tensor if chunks are missing
   */
  public EncodedTensors finish() {
    return new EncodedTensors(codec, bytes());
  }

  /**
   * Every tensor's bytes.
   *
   * @throws IllegalArgumentException naming the first incomplete tensor if chunks are missing
   */
  public List<byte[]> bytes() {
    if (done.size() < sizes.length) {
      int index = done.size();
      throw new IllegalArgumentException("transfer is truncated: tensor[" + index + "] has " + filled + " of " + sizes[index]
          + " bytes of " + format + ", and " + (sizes.length - index - 1) + " later tensors are missing");
    }
    return done;
  }
}
