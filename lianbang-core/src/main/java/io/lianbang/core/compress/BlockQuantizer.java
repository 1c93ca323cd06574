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
 * floor(x)} (computed as {@code floor(x + u)} in float arithmetic, u uniform in [0, 1) with 16
 * random bits): the decoded value's expectation is {@code v} up to the float roundings of {@code x}
 * and {@code x + u}, the 16-bit probability and the rounding of the decoded value (together a bias
 * below 2<sup>-13</sup> of a step). Stochastic rounding as in Gupta et
 * al., <i>Deep learning with limited numerical precision</i>, ICML 2015; the block-wise minimum and
 * scale ("scale and offset" per block) as in Dettmers et al., <i>8-bit optimizers via block-wise
 * quantization</i>, ICLR 2022.
 *
 * <p>Error bound: {@code |decode(v) - v| <= scale} of the value's block, plus two ulps of the
 * block's largest magnitude (decoding computes {@code min + q * scale} in float, or in double near
 * the float range; decoded values are capped at the largest float, which the rounded-up scale could
 * otherwise pass). A block whose values are all equal has scale 0 and decodes exactly. Size: 8 bytes
 * per block plus {@code ceil(bits * m / 8)} bytes for a block of {@code m} values. Non-finite values
 * are refused; huge finite values are fine (the range is computed in double).
 */
public final class BlockQuantizer implements Codec {
  /** The default number of values per block: 8 bytes of metadata per 1024 values keep 8-bit codes at 1.008 bytes a value (3.97 times fewer than float32). */
  public static final int DEFAULT_BLOCK = 1024;

  /** The largest block accepted. */
  public static final int MAX_BLOCK = 1 << 20;

  /** The codes 0 to 255 as floats: decoding looks them up rather than converting. */
  private static final float[] STEPS = new float[256];

  static {
    for (int q = 0; q < STEPS.length; q++) STEPS[q] = q;
  }

  private final int bits;
  private final int block;
  private final int levels;
  private final String name;
  private final Int8Kernel kernel = Int8Kernel.get();

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
    byte[] codes = new byte[Math.min(block, length)]; // one block's codes, then copied in bulk
    int[] random = new int[Math.min(block, length) + 4]; // 16 random bits per value, then codes
    int p = 0;
    for (int start = 0; start < length; start += block) {
      int m = Math.min(block, length - start);
      int base = offset + start;
      // min and max as integers whose order is the floats' order; a NaN or an infinity lands at an
      // end, so checking the two ends finds any
      long range32 = kernel.sortableRange(values, base, m);
      int lo = (int) (range32 >> 32);
      int hi = (int) range32;
      float min = Float.intBitsToFloat(ScalarInt8Kernel.sortable(lo));
      float max = Float.intBitsToFloat(ScalarInt8Kernel.sortable(hi));
      if (Checks.nonFinite(min) || Checks.nonFinite(max)) Checks.finite(values, base, m, name);
      double range = (double) max - min;
      float scale = (float) (range / levels);
      if ((double) scale * levels < range) scale = Math.nextUp(scale);
      b.putFloat(p, min);
      b.putFloat(p + 4, scale);
      p += 8;
      int bytes = quantise(values, base, m, min, scale, range, rng, random, codes);
      b.put(p, codes, 0, bytes);
      p += bytes;
    }
    Checks.advance(out, b);
  }

  /**
   * Writes the codes of {@code v[base, base + m)} to {@code codes} (8-bit: one a byte; 4-bit: two a
   * byte, the first in the low nibble); returns the bytes written. Stochastic rounding as {@code
   * floor(x + u)} with {@code u} uniform in [0, 1): {@code floor(x) + 1} with probability {@code x -
   * floor(x)}. The random numbers are drawn first and the arithmetic is in float when the block's
   * range is a finite float (plain array loops the JIT can vectorise), else in double.
   */
  private int quantise(float[] v, int base, int m, float min, float scale, double range, SplitMix64 rng, int[] random, byte[] codes) {
    long key = rng.nextLong(); // the block's draws: SplitMix64 outputs key + 1, key + 2, ... times its gamma
    float inv = scale == 0 ? 0 : 1 / scale;
    if (bits == 8 && range <= Float.MAX_VALUE && inv <= Float.MAX_VALUE) {
      kernel.quantise(v, base, m, min, inv, key, codes);
      return m;
    }
    for (int i = 0; i < m; i += 4) {
      long r = SplitMix64.mix(key + ((i >> 2) + 1) * SplitMix64.GOLDEN_GAMMA);
      random[i] = (int) r & 0xffff;
      random[i + 1] = (int) (r >>> 16) & 0xffff;
      random[i + 2] = (int) (r >>> 32) & 0xffff;
      random[i + 3] = (int) (r >>> 48);
    }
    int top = levels;
    if (range <= Float.MAX_VALUE && inv <= Float.MAX_VALUE) {
      for (int i = 0; i < m; i++) {
        random[i] = Math.min((int) ((v[base + i] - min) * inv + random[i] * 0x1p-16f), top);
      }
    } else { // the range or the inverse scale overflows float: the same in double
      double invD = 1.0 / scale;
      for (int i = 0; i < m; i++) {
        random[i] = Math.min((int) (((double) v[base + i] - min) * invD + random[i] * 0x1p-16), top);
      }
      if (bits == 8) {
        for (int i = 0; i < m; i++) codes[i] = (byte) random[i];
        return m;
      }
    }
    random[m] = 0;
    for (int i = 0; i < m; i += 2) codes[i >> 1] = (byte) (random[i] | random[i + 1] << 4);
    return (m + 1) >> 1;
  }

  @Override
  public ChunkDecoder decoder(ByteBuffer in, int n) {
    ByteBuffer b = Checks.claim(in, encodedBytes(n), name, "decoding of " + n + " values");
    return new ChunkDecoder() {
      private final byte[] codes = new byte[(int) blockBytes(Math.min(block, n)) - 8]; // the current block's codes
      private int decoded;
      private int blockLength;
      private int inBlock;
      private int nextBlock; // byte index of the next block's header
      private float min;
      private float scale;
      private boolean inFloat; // min + q * scale cannot overflow float

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
            if (Checks.nonFinite(min) || Checks.nonFinite(scale) || scale < 0) {
              throw new IllegalArgumentException("codec " + name + ": the block at byte " + nextBlock + " has minimum " + min
                  + " and scale " + scale + "; both must be finite and the scale >= 0");
            }
            inFloat = Math.abs(min) <= Float.MAX_VALUE / 2 && Math.abs(scale) * levels <= Float.MAX_VALUE / 2;
            int bytes = (int) blockBytes(blockLength) - 8;
            b.get(nextBlock + 8, codes, 0, bytes);
            nextBlock += 8 + bytes;
          }
          int m = Math.min(length, blockLength - inBlock);
          decode(out, offset, m);
          inBlock += m;
          decoded += m;
          offset += m;
          length -= m;
        }
      }

      /** Values inBlock to inBlock + m of the current block into out[offset, offset + m). */
      private void decode(float[] out, int offset, int m) {
        float lo = min;
        float s = scale;
        int j = inBlock;
        if (inFloat && bits == 8) {
          for (int i = 0; i < m; i++) out[offset + i] = lo + STEPS[codes[j + i] & 0xff] * s;
        } else if (inFloat) {
          for (int i = 0; i < m; i++, j++) out[offset + i] = lo + STEPS[(codes[j >> 1] >>> ((j & 1) << 2)) & 0xf] * s;
        } else { // near the float range: in double, capped at the largest float
          for (int i = 0; i < m; i++, j++) {
            int q = bits == 8 ? codes[j] & 0xff : (codes[j >> 1] >>> ((j & 1) << 2)) & 0xf;
            out[offset + i] = (float) Math.min(lo + q * (double) s, Float.MAX_VALUE);
          }
        }
      }
    };
  }

  @Override
  public String toString() {
    return name + parameters();
  }
}
