package io.lianbang.core.compress;

import io.lianbang.core.random.SplitMix64;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API {@link Int8Kernel}: the same operations as {@link ScalarInt8Kernel} lane by lane
 * (float subtract, multiply and add without fusing, Java's saturating float-to-int conversion,
 * SplitMix64 on 64-bit lanes), so the bytes are identical. The machine's preferred vector size:
 * with 512 bits, 16 floats and 8 draws (32 values) a step; loaded only when {@link
 * io.lianbang.core.simd.VectorApi} selects it.
 */
final class VectorInt8Kernel implements Int8Kernel {
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
  private static final VectorSpecies<Long> L = VectorSpecies.of(long.class, F.vectorShape());
  /** One byte per float lane. */
  private static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(8 * F.length()));
  /** Values per step of the quantising loop: a draw per 64-bit lane, 4 values a draw (two float vectors). */
  private static final int STEP = 4 * L.length();
  /** The draws' offsets 1, 2, ..., one per lane. */
  private static final LongVector DRAWS = LongVector.zero(L).addIndex(1).add(1L);

  @Override
  public long sortableRange(float[] v, int base, int m) {
    IntVector lo = IntVector.broadcast(I, Integer.MAX_VALUE);
    IntVector hi = IntVector.broadcast(I, Integer.MIN_VALUE);
    int i = 0;
    for (; i + F.length() <= m; i += F.length()) {
      IntVector bits = FloatVector.fromArray(F, v, base + i).reinterpretAsInts();
      IntVector k = bits.lanewise(VectorOperators.ASHR, 31).and(0x7fffffff).lanewise(VectorOperators.XOR, bits);
      lo = lo.min(k);
      hi = hi.max(k);
    }
    int l = lo.reduceLanes(VectorOperators.MIN);
    int h = hi.reduceLanes(VectorOperators.MAX);
    for (; i < m; i++) {
      int k = ScalarInt8Kernel.sortable(Float.floatToRawIntBits(v[base + i]));
      l = Math.min(l, k);
      h = Math.max(h, k);
    }
    return (long) l << 32 | h & 0xffffffffL;
  }

  @Override
  public void quantise(float[] v, int base, int m, float min, float inv, long key, byte[] codes) {
    FloatVector lo = FloatVector.broadcast(F, min);
    FloatVector scale = FloatVector.broadcast(F, inv);
    int i = 0;
    for (; i + STEP <= m; i += STEP) {
      LongVector z = DRAWS.add((long) (i >> 2)).mul(SplitMix64.GOLDEN_GAMMA).add(key);
      z = z.lanewise(VectorOperators.LSHR, 30).lanewise(VectorOperators.XOR, z).mul(0xBF58476D1CE4E5B9L);
      z = z.lanewise(VectorOperators.LSHR, 27).lanewise(VectorOperators.XOR, z).mul(0x94D049BB133111EBL);
      z = z.lanewise(VectorOperators.LSHR, 31).lanewise(VectorOperators.XOR, z);
      ShortVector u16 = z.reinterpretAsShorts(); // little-endian lanes: value 4g + j takes bits 16j of draw g
      for (int part = 0; part < 2; part++) {
        int at = i + part * F.length();
        IntVector u = ((IntVector) u16.convertShape(VectorOperators.S2I, I, part)).and(0xffff);
        FloatVector y = FloatVector.fromArray(F, v, base + at).sub(lo).mul(scale)
            .add(((FloatVector) u.convertShape(VectorOperators.I2F, F, 0)).mul(0x1p-16f));
        IntVector q = ((IntVector) y.convertShape(VectorOperators.F2I, I, 0)).min(255);
        q.convertShape(VectorOperators.I2B, B, 0).reinterpretAsBytes().intoArray(codes, at);
      }
    }
    ScalarInt8Kernel.quantise(v, base, i, m, min, inv, key, codes);
  }
}
