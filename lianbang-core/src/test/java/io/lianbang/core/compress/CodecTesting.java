package io.lianbang.core.compress;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/** Helpers for the codec tests: encode into exactly the declared size, decode back. */
final class CodecTesting {
  private CodecTesting() {}

  /** Encodes {@code values} with {@code seed}, checking the bytes written equal the declared size. */
  static byte[] encode(Codec codec, float[] values, long seed) {
    int size = (int) codec.encodedBytes(values.length);
    ByteBuffer out = ByteBuffer.allocate(size + 3);
    out.position(3); // not at 0, to check the codec works from the position
    codec.encode(values, 0, values.length, out, seed);
    assertEquals(size + 3, out.position(), codec + ": bytes written vs encodedBytes");
    byte[] bytes = new byte[size];
    out.position(3);
    out.get(bytes);
    return bytes;
  }

  /** Decodes {@code n} values of {@code bytes} at once, checking all bytes are consumed. */
  static float[] decode(Codec codec, byte[] bytes, int n) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    float[] out = new float[n];
    codec.decode(in, out, 0, n);
    assertEquals(bytes.length, in.position(), codec + ": bytes consumed");
    return out;
  }

  /** Encodes then decodes. */
  static float[] roundTrip(Codec codec, float[] values, long seed) {
    return decode(codec, encode(codec, values, seed), values.length);
  }

  /** {@code n} standard normal values. */
  static float[] gaussian(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
    return v;
  }
}
