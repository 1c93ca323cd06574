package io.lianbang.core.compress;

import io.lianbang.core.random.SplitMix64;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Block-wise 8-bit or 4-bit quantisation with stochastic rounding: the values are cut into blocks
 * of {@code block} values (the last may be shorter); each block is written as its minimum and its
 * scale {@code (max - min) / (2^bits - 1)}, both float32 (scale rounded up), then one code {@code q}
 * in {@code [0, 2^bits - 1]} per value (4-bit codes two to a byte, the first in the low nibble) that
 * decodes to {@code min + q * scale}. A value {@code v} at {@code x = (v - min) / scale} steps above
 * the minimum is coded {@code floor(x) + 1} with probability {@code x - floor(x)}, else {@code
 * floor(x)}: the decoded value's expectation is {@code v} (unbiased, up to one rounding of the
 * decoded float and a probability quantised to 2<sup>-32</sup>). Stochastic rounding as in Gupta et
 * al., <i>Deep learning with limited numerical precision</i>, ICML 2015; the block-wise minimum and
 * scale ("scale and offset" per block) as in Dettmers et al., <i>8-bit optimizers via block-wise
 * quantization</i>, ICLR 2022.
 *
 * <p>Error bound: {@code |decode(v) - v| <= scale} of the value's block, plus half an ulp of the
 * decoded float (decoded values are capped at the largest float, which the rounded-up scale could
 * otherwise pass). A block whose values are all equal has scale 0 and decodes exactly. Size: 8 bytes
 * per block plus {@code ceil(bits * m / 8)} bytes for a block of {@code m} values. Non-finite values
 * are refused; huge finite values are fine (the range is computed in double).
 */
public final class BlockQuantizer implements Codec {
  /** The default number of values per block. */
  public static final int DEFAULT_BLOCK = 256;

  /** The largest block accepted. */
  public static final int MAX_BLOCK = 1 << 20;

  private final int bits;
  private final int block;
  private final int levels;
  private final String name;

  /**
   * A quantiser of {@code bits} (8 or 4) bits per value, {@code block} values per block.
   *
   * @throws IllegalArgumentException if {@code bits} is not 8 or 4 or {@code block} is outside
   *     {@code [1, MAX_BLOCK]}
   */
  public BlockQuantizer(int bits, int block) {
    if (bits != 8 && bits != 4) throw new IllegalArgumentException("bits must be 8 or 4, got " + bits);
    if (block < 1 || block > MAX_BLOCK) {
      throw new IllegalArgumentException("block must be in [1, " + MAX_BLOCK + "], got " + block);
    }
    this.bits = bits;
    this.block = block;
    this.levels = (1 << bits) - 1;
    this.name = "int" + bits;
  }

  /** The number of values per block. */
  public int block() {
    return block;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Map<String, Double> parameters() {
    return Map.of("block", (double) block);
  }

  @Override
  public long encodedBytes(int n) {
    long full = n / block;
    int last = n % block;
    return full * blockBytes(block) + (last == 0 ? 0 : blockBytes(last));
  }

  private long blockBytes(int m) {
    return 8 + ((long) m * bits + 7) / 8;
  }

  @Override
  public void encode(float[] values, int offset, int length, ByteBuffer out, long seed) {
    Checks.range("values", values.length, offset, length);
    ByteBuffer b = Checks.slot(out, encodedBytes(length), name, "encoding of " + length + " values");
    SplitMix64 rng = new SplitMix64(seed);
    int p = 0;
    for (int start = 0; start < length; start += block) {
      int m = Math.min(block, length - start);
      int base = offset + start;
      float min = values[base];
      float max = min;
      boolean bad = false;
      for (int i = base; i < base + m; i++) {
        float v = values[i];
        if (v < min) min = v;
        if (v > max) max = v;
        bad |= Checks.nonFinite(v);
      }
      if (bad) Checks.finite(values, base, m, name);
      double range = (double) max - min;
      float scale = (float) (range / levels);
      if ((double) scale * levels < range) scale = Math.nextUp(scale);
      double inv = scale == 0 ? 0 : 1.0 / scale;
      b.putFloat(p, min);
      b.putFloat(p + 4, scale);
      p += 8;
      if (bits == 8) {
        int i = 0;
        for (; i + 1 < m; i += 2) {
          long r = rng.nextLong();
          b.put(p + i, (byte) code(values[base + i], min, inv, r & 0xffffffffL));
          b.put(p + i + 1, (byte) code(values[base + i + 1], min, inv, r >>> 32));
        }
        if (i < m) b.put(p + i, (byte) code(values[base + i], min, inv, rng.nextLong() >>> 32));
        p += m;
      } else {
        int i = 0;
        for (; i + 1 < m; i += 2) {
          long r = rng.nextLong();
          int lo = code(values[base + i], min, inv, r & 0xffffffffL);
          int hi = code(values[base + i + 1], min, inv, r >>> 32);
          b.put(p + (i >> 1), (byte) (lo | hi << 4));
        }
        if (i < m) b.put(p + (i >> 1), (byte) code(values[base + i], min, inv, rng.nextLong() >>> 32));
        p += (m + 1) >> 1;
      }
    }
    Checks.advance(out, b);
  }

  /** The stochastically rounded code of {@code v}; {@code u32} is 32 uniform random bits. */
  private int code(float v, float min, double inv, long u32) {
    double x = ((double) v - min) * inv;
    int q = (int) x;
    if (u32 * 0x1p-32 < x - q) q++;
    return Math.min(q, levels);
  }

  @Override
  public ChunkDecoder decoder(ByteBuffer in, int n) {
    ByteBuffer b = Checks.claim(in, encodedBytes(n), name, "decoding of " + n + " values");
    return new ChunkDecoder() {
      private int decoded;
      private int blockLength;
      private int inBlock;
      private int codes; // byte index of the current block's codes
      private int nextBlock; // byte index of the next block's header
      private double min;
      private double scale;

      @Override
      public int remaining() {
        return n - decoded;
      }

      @Override
      public void next(float[] out, int offset, int length) {
        Checks.chunk(name, n - decoded, out, offset, length);
        while (length > 0) {
          if (inBlock == blockLength) {
            blockLength = Math.min(block, n - decoded);
            inBlock = 0;
            min = b.getFloat(nextBlock);
            scale = b.getFloat(nextBlock + 4);
            codes = nextBlock + 8;
            nextBlock = codes + (int) (blockBytes(blockLength) - 8);
          }
          int m = Math.min(length, blockLength - inBlock);
          double lo = min;
          double s = scale;
          if (bits == 8) {
            int p = codes + inBlock;
            for (int i = 0; i < m; i++) out[offset + i] = (float) Math.min(lo + (b.get(p + i) & 0xff) * s, Float.MAX_VALUE);
          } else {
            for (int i = 0; i < m; i++) {
              int j = inBlock + i;
              int q = (b.get(codes + (j >> 1)) >>> ((j & 1) << 2)) & 0xf;
              out[offset + i] = (float) Math.min(lo + q * s, Float.MAX_VALUE);
            }
          }
          inBlock += m;
          decoded += m;
          offset += m;
          length -= m;
        }
      }
    };
  }

  @Override
  public String toString() {
    return name + parameters();
  }
}
