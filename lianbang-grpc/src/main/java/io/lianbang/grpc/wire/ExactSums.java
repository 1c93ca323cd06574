package io.lianbang.grpc.wire;

import io.lianbang.core.aggregate.ExactWeightedSum;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The wire form of an edge aggregator's exact partial sum ({@code lianbang.v1.ExactSum}): per
 * tensor of n values, 16·n bytes, per value its signed high and unsigned low 64-bit word of the
 * 128-bit fixed-point sum ({@link ExactWeightedSum.State}), both little-endian.
 */
public final class ExactSums {
  /** Bytes per model value. */
  public static final int BYTES_PER_VALUE = 16;

  private ExactSums() {}

  /** The byte size of each tensor's words. */
  public static long[] sizes(List<int[]> shapes) {
    long[] sizes = new long[shapes.size()];
    for (int t = 0; t < sizes.length; t++) {
      long values = TensorSpecs.values(shapes.get(t));
      sizes[t] = values > TensorSpecs.MAX_TENSOR_VALUES ? Long.MAX_VALUE : values * BYTES_PER_VALUE;
    }
    return sizes;
  }

  /** Each tensor's words as bytes, for {@link EncodedChunkEncoder}. */
  public static List<byte[]> encode(ExactWeightedSum.State state, List<int[]> shapes) {
    List<byte[]> out = new ArrayList<>(shapes.size());
    int offset = 0;
    for (int[] shape : shapes) {
      int n = (int) TensorSpecs.values(shape);
      ByteBuffer b = ByteBuffer.allocate(n * BYTES_PER_VALUE).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        b.putLong(state.hi()[offset + i]);
        b.putLong(state.lo()[offset + i]);
      }
      out.add(b.array());
      offset += n;
    }
    if (offset != state.hi().length) {
      throw new IllegalArgumentException("exact sum has " + state.hi().length + " values, the layout " + offset);
    }
    return out;
  }

  /**
   * The state the bytes of every tensor hold, with the header's weight and term count.
   *
   * @throws IllegalArgumentException if a tensor's bytes are not a whole number of values
   */
  public static ExactWeightedSum.State decode(List<byte[]> tensors, double totalWeight, int terms) {
    long total = 0;
    for (int t = 0; t < tensors.size(); t++) {
      if (tensors.get(t).length % BYTES_PER_VALUE != 0) {
        throw new IllegalArgumentException("exact_sum tensor[" + t + "] has " + tensors.get(t).length + " bytes, not a multiple of 16");
      }
      total += tensors.get(t).length / BYTES_PER_VALUE;
    }
    long[] hi = new long[(int) total];
    long[] lo = new long[(int) total];
    int i = 0;
    for (byte[] bytes : tensors) {
      ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      while (b.hasRemaining()) {
        hi[i] = b.getLong();
        lo[i] = b.getLong();
        i++;
      }
    }
    return new ExactWeightedSum.State(hi, lo, totalWeight, terms);
  }
}
