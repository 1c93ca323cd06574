package io.lianbang.core.compress;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Encodes float32 vectors into a fixed number of bytes and decodes them back, chunk by chunk.
 * Implementations are immutable and thread-safe; bytes are little-endian whatever the order of the
 * buffer passed in.
 */
public interface Codec {
  /** The codec's name as {@link Codecs#create} accepts it, e.g. {@code int8} or {@code topk+fp16}. */
  String name();

  /** Every parameter with its value (defaults included), sorted by name: with {@link #name()}, enough to rebuild the codec. */
  Map<String, Double> parameters();

  /** The exact number of bytes {@link #encode} writes for {@code n} values. */
  long encodedBytes(int n);

  /**
   * Encodes {@code values[offset, offset + length)} into the next {@link #encodedBytes
   * encodedBytes(length)} bytes of {@code out} and advances its position past them.
   *
   * @param seed the only source of randomness (stochastic rounding, random selection): the same
   *     seed and values give the same bytes
   * @throws IllegalArgumentException if the range is outside {@code values}, {@code out} has too
   *     few bytes remaining, or the codec refuses a value (it names the index and the value); then
   *     {@code out}'s position has not moved
   */
  void encode(float[] values, int offset, int length, ByteBuffer out, long seed);

  /**
   * A decoder of {@code n} values encoded by this codec, starting at {@code in}'s position. The
   * decoder takes the {@link #encodedBytes encodedBytes(n)} bytes at once: {@code in}'s position
   * moves past them now, and later changes to {@code in}'s position do not affect the decoder.
   *
   * @throws IllegalArgumentException if {@code in} has fewer bytes remaining than the encoding needs
   */
  ChunkDecoder decoder(ByteBuffer in, int n);

  /**
   * Decodes {@code length} values from {@code in} into {@code out[offset, offset + length)} in one
   * call; the same as {@code decoder(in, length).next(out, offset, length)}.
   */
  default void decode(ByteBuffer in, float[] out, int offset, int length) {
    decoder(in, length).next(out, offset, length);
  }
}
