package io.lianbang.core.compress;

/**
 * Decodes the values of one encoding in order, any number at a time: chunked decoding gives the
 * same floats as decoding all at once. Not thread-safe.
 */
public interface ChunkDecoder {
  /** How many values are still to be decoded. */
  int remaining();

  /**
   * Decodes the next {@code length} values into {@code out[offset, offset + length)}.
   *
   * @throws IllegalArgumentException if {@code length} exceeds {@link #remaining()} or the range
   *     is outside {@code out}
   */
  void next(float[] out, int offset, int length);
}
