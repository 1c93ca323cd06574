package io.lianbang.core.aggregate;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API {@link FixedPointKernel}: {@link ScalarFixedPointKernel}'s integer operations
 * lane by lane on 64-bit lanes of the machine's preferred size (8 with 512 bits), with the
 * floats read at half that size and widened, so the accumulators hold the same bits. Loaded only
 * when {@link io.lianbang.core.simd.VectorApi} selects it.
 *
 * <p>Each method is one loop without helper methods: C2 intrinsifies vector operations only where
 * it inlines them, and a vector passed to a method it does not inline falls back to plain Java.
 */
final class VectorFixedPointKernel implements FixedPointKernel {
  private static final VectorSpecies<Long> L = LongVector.SPECIES_PREFERRED;
  /** As many floats as {@link #L} has lanes. */
  private static final VectorSpecies<Float> F =
      VectorSpecies.of(float.class, VectorShape.forBitSize(L.vectorBitSize() / 2));
  /** As many doubles as {@link #L} has lanes. */
  private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, L.vectorShape());

  private static final LongVector ONES = LongVector.broadcast(L, 1L);
  private static final LongVector SIXTY_THREE = LongVector.broadcast(L, 63L);

  @Override
  public int add(float[] x, int n, long weight, boolean subtract, long[] hi, long[] lo, int at) {
    long w = subtract ? -weight : weight;
    LongVector specials = LongVector.zero(L);
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += F.length()) {
      LongVector bits = (LongVector) FloatVector.fromArray(F, x, i).reinterpretAsInts()
          .convertShape(VectorOperators.I2L, L, 0); // sign-extended: bit 63 is the float's sign
      LongVector exp = bits.lanewise(VectorOperators.LSHR, 23).and(0xff);
      LongVector shift = exp.sub(MIN_SHIFTED);
      VectorMask<Long> outside = shift.and(~63L).compare(VectorOperators.NE, 0); // not a plain shift
      specials = specials.add(ONES, outside.and(exp.compare(VectorOperators.NE, 0)));
      LongVector sign = bits.lanewise(VectorOperators.ASHR, 63);
      LongVector p = bits.and(0x7fffffL).or(0x800000L).mul(w)
          .lanewise(VectorOperators.XOR, sign).sub(sign)
          .blend(0L, outside);
      LongVector tLo = p.lanewise(VectorOperators.LSHL, shift);
      LongVector tHi = p.lanewise(VectorOperators.ASHR, 1).lanewise(VectorOperators.ASHR, SIXTY_THREE.sub(shift));
      LongVector l = LongVector.fromArray(L, lo, at + i);
      LongVector sum = l.add(tLo);
      sum.intoArray(lo, at + i);
      // the carry out of the low word: sum < l unsigned, compared as signed with the sign bits
      // flipped (no unsigned comparison, whose name differs between JDK releases)
      VectorMask<Long> carry = sum.lanewise(VectorOperators.XOR, Long.MIN_VALUE)
          .compare(VectorOperators.LT, l.lanewise(VectorOperators.XOR, Long.MIN_VALUE));
      LongVector.fromArray(L, hi, at + i).add(tHi).add(ONES, carry).intoArray(hi, at + i);
    }
    return (int) specials.reduceLanes(VectorOperators.ADD)
        + ScalarFixedPointKernel.add(x, i, n, weight, subtract, null, 0, -1, hi, lo, at);
  }

  /**
   * The buffered terms as doubles: {@code x · weight · 2^(64 − base)} is exact in a double (a 24-bit
   * significand times a weight below 2^29) and, for a shift in the window, an integer below 2^63,
   * so converting it to a long gives {@link ScalarFixedPointKernel}'s {@code p << (shift − base)}
   * with fewer operations. In the window means a magnitude in [2^(base − 41), 2^(base + width − 40));
   * only a vector with a lane neither in it nor zero takes the 128-bit path.
   */
  @Override
  public int add(float[] x, int n, long weight, boolean subtract, long[] buffer, int base, int width, long[] hi, long[] lo, int at) {
    long w = subtract ? -weight : weight;
    double scale = w * Math.scalb(1.0, 64 - base);
    double lower = Math.scalb(1.0, base - 41);
    double upper = Math.scalb(1.0, base + width - 40);
    LongVector specials = LongVector.zero(L);
    int i = 0;
    for (int bound = F.loopBound(n); i < bound; i += F.length()) {
      int j = at + i;
      FloatVector xf = FloatVector.fromArray(F, x, i);
      DoubleVector d = (DoubleVector) xf.convertShape(VectorOperators.F2D, D, 0);
      DoubleVector a = d.abs();
      VectorMask<Double> window = a.compare(VectorOperators.GE, lower).and(a.compare(VectorOperators.LT, upper));
      VectorMask<Long> in = window.cast(L);
      LongVector t = (LongVector) d.mul(scale).convertShape(VectorOperators.D2L, L, 0);
      LongVector.fromArray(L, buffer, j).add(t, in).intoArray(buffer, j);
      if (window.or(a.compare(VectorOperators.EQ, 0.0)).allTrue()) continue;
      LongVector bits = (LongVector) xf.reinterpretAsInts().convertShape(VectorOperators.I2L, L, 0);
      LongVector exp = bits.lanewise(VectorOperators.LSHR, 23).and(0xff);
      LongVector shift = exp.sub(MIN_SHIFTED);
      VectorMask<Long> outside = shift.and(~63L).compare(VectorOperators.NE, 0);
      specials = specials.add(ONES, outside.and(exp.compare(VectorOperators.NE, 0)));
      LongVector sign = bits.lanewise(VectorOperators.ASHR, 63);
      LongVector p = bits.and(0x7fffffL).or(0x800000L).mul(w)
          .lanewise(VectorOperators.XOR, sign).sub(sign)
          .blend(0L, outside.or(in));
      LongVector tLo = p.lanewise(VectorOperators.LSHL, shift);
      LongVector tHi = p.lanewise(VectorOperators.ASHR, 1).lanewise(VectorOperators.ASHR, SIXTY_THREE.sub(shift));
      LongVector l = LongVector.fromArray(L, lo, j);
      LongVector sum = l.add(tLo);
      sum.intoArray(lo, j);
      VectorMask<Long> carry = sum.lanewise(VectorOperators.XOR, Long.MIN_VALUE)
          .compare(VectorOperators.LT, l.lanewise(VectorOperators.XOR, Long.MIN_VALUE));
      LongVector.fromArray(L, hi, j).add(tHi).add(ONES, carry).intoArray(hi, j);
    }
    return (int) specials.reduceLanes(VectorOperators.ADD)
        + ScalarFixedPointKernel.add(x, i, n, weight, subtract, buffer, base, width, hi, lo, at);
  }
}
