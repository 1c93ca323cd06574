package io.lianbang.core.federation;

import io.lianbang.core.compress.Codec;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;

/**
 * The size of parameters as encoded for transfer, which a {@link Federation} counts as a round's
 * {@link Traffic} when its {@link ClientPool} does not measure the transport (a simulation).
 * Parameters travel as float32: per tensor a header of {@value #TENSOR_HEADER_BYTES} bytes (dtype
 * and rank) plus {@value #DIMENSION_BYTES} bytes per dimension, then
 * {@value #VALUE_BYTES} bytes per value; encoded by a {@link Codec}, the same header and then the
 * codec's {@link Codec#encodedBytes} for the tensor's values.
 */
public final class EncodedSize {
  /** Bytes of a tensor's header before its dimensions. */
  public static final int TENSOR_HEADER_BYTES = 4;
  /** Bytes per dimension of a tensor's shape. */
  public static final int DIMENSION_BYTES = 8;
  /** Bytes per float32 value. */
  public static final int VALUE_BYTES = 4;

  private EncodedSize() {}

  /** The encoded size of {@code parameters} in bytes. */
  public static long float32(Parameters parameters) {
    long bytes = 0;
    for (Tensor t : parameters.tensors()) {
      bytes += TENSOR_HEADER_BYTES + (long) DIMENSION_BYTES * t.rank() + (long) VALUE_BYTES * t.size();
    }
    return bytes;
  }

  /** The size of {@code parameters} with each tensor's values encoded by {@code codec}. */
  public static long encoded(Codec codec, Parameters parameters) {
    long bytes = 0;
    for (Tensor t : parameters.tensors()) {
      bytes += TENSOR_HEADER_BYTES + (long) DIMENSION_BYTES * t.rank() + codec.encodedBytes(t.size());
    }
    return bytes;
  }
}
