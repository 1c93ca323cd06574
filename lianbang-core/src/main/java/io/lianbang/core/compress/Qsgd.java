package io.lianbang.core.compress;

import io.lianbang.core.random.SplitMix64;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * QSGD (Alistarh, Grubic, Li, Tomioka &amp; Vojnovic, <i>QSGD: communication-efficient SGD via
 * gradient quantization and encoding</i>, NeurIPS 2017), with buckets: the values are cut into
 * buckets of {@code block} values (the last may be shorter); each bucket is written as its L2 norm
 * {@code ||v||} (float32, rounded up), then per value its sign and a level {@code l} in {@code [0,
 * s]} that decodes to {@code sign * l / s * ||v||}. A value with {@code x = s |v_i| / ||v||} gets
 * level {@code floor(x) + 1} with probability {@code x - floor(x)}, else {@code floor(x)}, so {@code
 * E[Q(v)] = v} (unbiased). Codes {@code sign * l + s} are packed in 2 bits ({@code s = 1}), 4 bits
 * ({@code s <= 7}) or 8 bits ({@code s <= 127}).
 *
 * <p>Error bounds (Lemma 3.1 of the paper, per bucket of {@code d} values): {@code |Q(v)_i - v_i| <=
 * ||v|| / s} for every value, and the variance {@code E ||Q(v) - v||^2 <= min(d / s^2, sqrt(d) / s)
 * ||v||^2}. Non-finite values, and buckets whose norm exceeds the largest float, are refused.
 */
public final class Qsgd implements Codec {
  /** The name {@link Codecs#create} knows it by. */
  public static final String NAME = "qsgd";

  /** The default number of levels s. */
  public static final int DEFAULT_LEVELS = 127;

  /** The default bucket size (the paper's experiments use 512). */
  public static final int DEFAULT_BLOCK = 512;

  private final int levels;
  private final int block;
  private final int width;

  /**
   * QSGD with {@code levels} levels (1 to 127) per sign and buckets of {@code block} values (1 to
   * {@link BlockQuantizer#MAX_BLOCK}).
   */
  public Qsgd(int levels, int block) {
    if (levels < 1 || levels > 127) throw new IllegalArgumentException("levels must be in [1, 127], got " + levels);
    if (block < 1 || block > BlockQuantizer.MAX_BLOCK) {
      throw new IllegalArgumentException("block must be in [1, " + BlockQuantizer.MAX_BLOCK + "], got " + block);
    }
    this.levels = levels;
    this.block = block;
    this.width = levels == 1 ? 2 : levels <= 7 ? 4 : 8;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, Double> parameters() {
    return new java.util.TreeMap<>(Map.of("block", (double) block, "levels", (double) levels));
  }

  /** Bits per code: 2, 4 or 8. */
  public int codeBits() {
    return width;
  }

  @Override
  public long encodedBytes(int n) {
    long full = n / block;
    int last = n % block;
    return full * bucketBytes(block) + (last == 0 ? 0 : bucketBytes(last));
  }

  private long bucketBytes(int m) {
    return 4 + ((long) m * width + 7) / 8;
  }

  @Override
  public void encode(float[] values, int offset, int length, ByteBuffer out, long seed) {
    Checks.range("values", values.length, offset, length);
    ByteBuffer b = Checks.slot(out, encodedBytes(length), NAME, "encoding of " + length + " values");
    SplitMix64 rng = new SplitMix64(seed);
    int p = 0;
    for (int start = 0; start < length; start += block) {
      int m = Math.min(block, length - start);
      int base = offset + start;
      double sum = 0;
      boolean bad = false;
      for (int i = base; i < base + m; i++) {
        float v = values[i];
        sum += (double) v * v;
        bad |= Checks.nonFinite(v);
      }
      if (bad) Checks.finite(values, base, m, NAME);
      double norm = StrictMath.sqrt(sum);
      float normF = (float) norm;
      if (normF < norm) normF = Math.nextUp(normF);
      if (Float.isInfinite(normF)) {
        throw new IllegalArgumentException("codec " + NAME + ": the L2 norm of values[" + base + ", " + (base + m)
            + ") is " + norm + ", beyond the largest float32");
      }
      b.putFloat(p, normF);
      BitWriter w = new BitWriter(b, p + 4);
      double k = normF == 0 ? 0 : levels / (double) normF;
      for (int i = base; i < base + m; i++) {
        float v = values[i];
        double x = Math.abs(v) * k;
        int l = (int) x;
        if (rng.nextDouble() < x - l) l++;
        l = Math.min(l, levels);
        w.write(v < 0 ? levels - l : levels + l, width);
      }
      p = w.finish();
    }
    Checks.advance(out, b);
  }

  @Override
  public ChunkDecoder decoder(ByteBuffer in, int n) {
    ByteBuffer b = Checks.claim(in, encodedBytes(n), NAME, "decoding of " + n + " values");
    return new ChunkDecoder() {
      private int decoded;
      private int bucketLength;
      private int inBucket;
      private int nextBucket;
      private double step;
      private BitReader reader;

      @Override
      public int remaining() {
        return n - decoded;
      }

      @Override
      public void next(float[] out, int offset, int length) {
        Checks.chunk(NAME, n - decoded, out, offset, length);
        while (length > 0) {
          if (inBucket == bucketLength) {
            bucketLength = Math.min(block, n - decoded);
            inBucket = 0;
            float norm = b.getFloat(nextBucket);
            if (!(norm >= 0) || Float.isInfinite(norm)) {
              throw new IllegalArgumentException("codec " + NAME + ": the bucket at byte " + nextBucket + " has norm " + norm
                  + "; it must be finite and >= 0");
            }
            step = norm / (double) levels;
            reader = new BitReader(b, nextBucket + 4);
            nextBucket += (int) bucketBytes(bucketLength);
          }
          int m = Math.min(length, bucketLength - inBucket);
          for (int i = 0; i < m; i++) {
            int code = reader.read(width);
            if (code > 2 * levels) {
              throw new IllegalArgumentException("codec " + NAME + ": code " + code + " is above 2s = " + 2 * levels);
            }
            out[offset + i] = (float) ((code - levels) * step);
          }
          inBucket += m;
          decoded += m;
          offset += m;
          length -= m;
        }
      }
    };
  }

  @Override
  public String toString() {
    return NAME + parameters();
  }
}
