package io.lianbang.core.compress;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;

/**
 * A sparse vector: k of n values chosen by a {@link SparseSelector} (top-k or random-k), written as
 * their positions ({@link IndexCoding}: a bitmap or fixed-width positions, whichever is smaller)
 * followed by their values (times the selector's scale) coded by a dense codec (float32, fp16,
 * bf16, int8, int4 or qsgd). Decodes to those values at those positions and zero elsewhere. Its name
 * is the selector's, followed by {@code +} and the value codec's unless that is float32: {@code
 * topk}, {@code topk+int8}, {@code randomk+fp16}.
 *
 * <p>Error bound: exact on the kept positions up to the value codec's bound (exact with float32),
 * zero elsewhere. The size is a function of n: index bytes plus the value codec's size for k
 * values. Non-finite values are refused. Encoding allocates O(k) scratch per call (positions and
 * values); decoding O(chunk).
 */
public final class SparseCodec implements Codec {
  private final SparseSelector selector;
  private final Codec values;

  /**
   * Positions chosen by {@code selector}, values coded by {@code values}.
   *
   * @throws IllegalArgumentException if {@code values} is itself sparse
   */
  public SparseCodec(SparseSelector selector, Codec values) {
    if (values instanceof SparseCodec) throw new IllegalArgumentException("the value codec must be dense, got " + values.name());
    this.selector = selector;
    this.values = values;
  }

  @Override
  public String name() {
    return values instanceof Float32 ? selector.name() : selector.name() + "+" + values.name();
  }

  @Override
  public Map<String, Double> parameters() {
    Map<String, Double> p = new TreeMap<>(selector.parameters());
    p.putAll(values.parameters());
    return p;
  }

  @Override
  public long encodedBytes(int n) {
    int k = selector.count(n);
    return IndexCoding.bytes(n, k) + values.encodedBytes(k);
  }

  @Override
  public void encode(float[] in, int offset, int length, ByteBuffer out, long seed) {
    Checks.range("values", in.length, offset, length);
    String name = name();
    ByteBuffer b = Checks.slot(out, encodedBytes(length), name, "encoding of " + length + " values");
    Checks.finite(in, offset, length, name);
    int k = selector.count(length);
    int[] indices = new int[k];
    selector.select(in, offset, length, seed, indices);
    float scale = (float) selector.scale(length);
    float[] kept = new float[k];
    for (int j = 0; j < k; j++) kept[j] = scale == 1 ? in[offset + indices[j]] : in[offset + indices[j]] * scale;
    int indexBytes = (int) IndexCoding.bytes(length, k);
    IndexCoding.write(b, length, indices, k);
    b.position(indexBytes);
    values.encode(kept, 0, k, b, io.lianbang.core.random.SplitMix64.mix(seed ^ 0x5DEECE66DL));
    Checks.advance(out, b);
  }

  @Override
  public ChunkDecoder decoder(ByteBuffer in, int n) {
    String name = name();
    ByteBuffer b = Checks.claim(in, encodedBytes(n), name, "decoding of " + n + " values");
    int k = selector.count(n);
    int indexBytes = (int) IndexCoding.bytes(n, k);
    IndexCoding.Reader positions = new IndexCoding.Reader(b, n, k);
    ChunkDecoder valueDecoder = values.decoder(b.position(indexBytes), k);
    return new ChunkDecoder() {
      private int decoded;
      private int taken;
      private int pending = k > 0 ? position(-1) : Integer.MAX_VALUE;
      private int[] at = new int[0];
      private float[] got = new float[0];

      @Override
      public int remaining() {
        return n - decoded;
      }

      /** The next coded position, which must lie after {@code previous} and below n. */
      private int position(int previous) {
        int p = positions.next();
        if (p <= previous || p >= n) {
          throw new IllegalArgumentException("codec " + name + ": position " + taken + " is " + p
              + ", expected ascending positions in (" + previous + ", " + n + ")");
        }
        return p;
      }

      @Override
      public void next(float[] out, int offset, int length) {
        Checks.chunk(name, n - decoded, out, offset, length);
        java.util.Arrays.fill(out, offset, offset + length, 0f);
        int end = decoded + length;
        int c = 0;
        while (pending < end) {
          if (c == at.length) {
            at = java.util.Arrays.copyOf(at, Math.max(16, Math.min(length, 2 * c)));
            got = new float[at.length];
          }
          at[c++] = pending;
          pending = ++taken < k ? position(pending) : Integer.MAX_VALUE;
        }
        valueDecoder.next(got, 0, c);
        for (int j = 0; j < c; j++) out[offset + at[j] - decoded] = got[j];
        decoded = end;
      }
    };
  }

  @Override
  public String toString() {
    return name() + parameters();
  }
}
