package io.lianbang.core.compress;

import io.lianbang.core.random.Seeds;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The tensors of a model or of an update, each encoded on its own by one codec: tensor {@code t} of
 * {@code n} values is exactly {@code codec.encodedBytes(n)} bytes. Decoding is chunk by chunk into
 * the output (O(chunk) scratch), so a receiver holds the encoded bytes and the decoded model, never a
 * second float32 copy.
 *
 * @param codec the codec of every tensor
 * @param tensors the encoded bytes of each tensor, in order (not copied; do not modify)
 */
public record EncodedTensors(Codec codec, List<byte[]> tensors) {
  private static final int CHUNK = 4096;

  public EncodedTensors {
    Objects.requireNonNull(codec, "codec");
    tensors = List.copyOf(tensors);
  }

  /**
   * Encodes every tensor of {@code values} with {@code codec}; tensor {@code t} draws its randomness
   * from {@link #tensorSeed tensorSeed(seed, t)}.
   */
  public static EncodedTensors encode(Codec codec, Parameters values, long seed) {
    List<byte[]> out = new ArrayList<>(values.count());
    for (int t = 0; t < values.count(); t++) {
      float[] v = values.tensor(t).toArray();
      byte[] bytes = new byte[Math.toIntExact(codec.encodedBytes(v.length))];
      codec.encode(v, 0, v.length, ByteBuffer.wrap(bytes), tensorSeed(seed, t));
      out.add(bytes);
    }
    return new EncodedTensors(codec, out);
  }

  /** The seed of tensor {@code t} in an encoding seeded with {@code seed}. */
  public static long tensorSeed(long seed, int t) {
    return Seeds.derive(seed, "tensor", t);
  }

  /** The number of encoded bytes, all tensors together. */
  public long bytes() {
    long n = 0;
    for (byte[] b : tensors) n += b.length;
    return n;
  }

  /**
   * {@code base} plus the decoded tensors, in float32 ({@code base[i] + decoded[i]}): the model a
   * client trained, from the update it sent and the model it started from.
   *
   * @throws IllegalArgumentException naming the tensor if the tensor count differs from {@code
   *     base}'s, a tensor's byte count is not the codec's size for the tensor's values, or the
   *     codec refuses the bytes
   */
  public Parameters addTo(Parameters base) {
    return decode(base.shapes(), base);
  }

  /**
   * The decoded tensors, tensor {@code t} in shape {@code shapes.get(t)}.
   *
   * @throws IllegalArgumentException as {@link #addTo}
   */
  public Parameters decodeAs(List<int[]> shapes) {
    return decode(shapes, null);
  }

  private Parameters decode(List<int[]> shapes, Parameters base) {
    if (tensors.size() != shapes.size()) {
      throw new IllegalArgumentException(codec.name() + " encoding has " + tensors.size() + " tensors, the model " + shapes.size());
    }
    List<Tensor> out = new ArrayList<>(tensors.size());
    float[] chunk = new float[CHUNK];
    for (int t = 0; t < tensors.size(); t++) {
      int[] shape = shapes.get(t);
      long count = 1;
      for (int d : shape) count *= d;
      int n = Math.toIntExact(count);
      byte[] bytes = tensors.get(t);
      long expected = codec.encodedBytes(n);
      if (bytes.length != expected) {
        throw new IllegalArgumentException("tensor " + t + ": " + bytes.length + " bytes of " + codec.name() + ", expected "
            + expected + " for its " + n + " values");
      }
      float[] v = base == null ? new float[n] : base.tensor(t).toArray();
      ChunkDecoder d = codec.decoder(ByteBuffer.wrap(bytes), n);
      for (int off = 0; off < n; off += CHUNK) {
        int m = Math.min(CHUNK, n - off);
        d.next(chunk, 0, m);
        for (int i = 0; i < m; i++) v[off + i] += chunk[i];
      }
      out.add(Tensor.adopt(shape, v));
    }
    return Parameters.of(out);
  }
}
