package io.lianbang.core.aggregate;

import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.io.Serializable;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A streaming weighted sum of parameter vectors whose result does not depend on the order in which
 * the vectors arrive.
 *
 * <p>Floating-point addition is not associative, so a plain running sum gives different bits when
 * client results arrive in a different order (another thread count, a slower network). This
 * accumulator instead converts every weighted term {@code w * x} to a 128-bit fixed-point integer
 * with 64 fractional bits and adds integers, which is exact and commutative. Each term's
 * conversion depends only on the term, so the same set of results gives bit-identical aggregates
 * in any order. Terms smaller in magnitude than 2<sup>-64</sup> contribute nothing; a term of
 * magnitude 2<sup>62</sup> or more is rejected.
 *
 * <p>Memory is 16 bytes per model value plus a 16 KB buffer, independent of the number of terms:
 * this is what lets the server aggregate any number of clients in O(model size).
 *
 * <p>A {@linkplain #buffered buffered} sum holds 8 bytes more per value: a 64-bit buffer per value
 * that takes the terms of a window of magnitudes, chosen per chunk of values from the first
 * vector's, exactly, and is added into the 128-bit accumulator every {@value #BUFFERED_ADDS}
 * vectors, before the buffer could overflow. A term then moves half the memory of a 128-bit add;
 * terms outside the window go to the accumulator as before. The value is the same: where a term
 * goes changes nothing in an exact sum.
 *
 * <p>Not thread-safe; callers serialise every call (a buffered sum's reads move its buffers into
 * its accumulator).
 */
public final class ExactWeightedSum {
  private static final double TWO_POW_MINUS_64 = 0x1p-64;
  private static final double LIMIT = 0x1p62;
  private static final double TWO_POW_32 = 0x1p32;
  /** Values per chunk a tensor is copied in for the kernel: small enough to stay in cache. */
  private static final int CHUNK = 4096;
  /** Bits of headroom a buffer keeps above each term. */
  private static final int HEADROOM_BITS = 6;
  /** The vectors a buffer takes before it is added into the accumulator: 2^{@value #HEADROOM_BITS}. */
  private static final int BUFFERED_ADDS = 1 << HEADROOM_BITS;
  /** The narrowest window worth buffering, in binades. */
  private static final int MIN_WINDOW = 8;

  private final List<int[]> shapes;
  private final long[] hi;
  private final long[] lo;
  private final FixedPointKernel kernel;
  /** Where {@link #apply} copies a chunk of a tensor for the kernel. */
  private final float[] scratch = new float[CHUNK];
  /** A buffered sum's 64-bit buffers, one per value, or null. */
  private final long[] buffer;
  /** Per chunk of {@link #apply}, the shift its buffers are in units of (2^(base-64)), or -1 before it is chosen. */
  private final int[] bases;
  /** Where each chunk of {@link #apply} starts, and after the last the value count. */
  private final int[] chunkStarts;
  /** The vectors added or subtracted since the buffers were last added into the accumulator. */
  private int sinceFlush;
  private double totalWeight;
  private int terms;

  /** An empty sum for parameters laid out like {@code layout}. */
  public ExactWeightedSum(Parameters layout) {
    this(layout, FixedPointKernel.get());
  }

  /**
   * An empty sum for parameters laid out like {@code layout} with a 64-bit buffer per value (24
   * bytes per value in all): faster where many vectors are added, as in a simulation's partial
   * sums.
   */
  static ExactWeightedSum buffered(Parameters layout) {
    return new ExactWeightedSum(layout, FixedPointKernel.get(), true);
  }

  /** An empty sum for parameters laid out like {@code layout} that adds with {@code kernel}. */
  ExactWeightedSum(Parameters layout, FixedPointKernel kernel) {
    this(layout, kernel, false);
  }

  /** An empty sum for parameters laid out like {@code layout} that adds with {@code kernel}, buffered or not. */
  ExactWeightedSum(Parameters layout, FixedPointKernel kernel, boolean buffered) {
    this.kernel = kernel;
    long n = layout.elementCount();
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("model has " + n + " values, more than one accumulator holds");
    }
    this.shapes = layout.shapes();
    this.hi = new long[(int) n];
    this.lo = new long[(int) n];
    this.buffer = buffered ? new long[(int) n] : null;
    List<Integer> starts = new ArrayList<>();
    int at = 0;
    for (int[] shape : shapes) {
      int size = sizeOf(shape);
      for (int from = 0; from < size; from += CHUNK) starts.add(at + from);
      at += size;
    }
    starts.add(at);
    this.chunkStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    this.bases = new int[buffered ? chunkStarts.length - 1 : 0];
    Arrays.fill(bases, -1);
  }

  /**
   * Adds {@code weight * values}, all or nothing: if it throws, the sum is as it was.
   *
   * @throws IllegalArgumentException if the layout differs from the sum's, a value is not finite,
   *     the weight is not positive and finite, or a term is too large for the fixed-point range
   */
  public void add(Parameters values, double weight) {
    if (!(weight > 0) || !Double.isFinite(weight)) {
      throw new IllegalArgumentException("aggregation weight must be positive and finite, got " + weight);
    }
    List<Tensor> tensors = values.tensors();
    if (tensors.size() != shapes.size()) {
      throw new IllegalArgumentException("aggregation input has " + tensors.size() + " tensors, the model has " + shapes.size());
    }
    for (int ti = 0; ti < tensors.size(); ti++) {
      if (tensors.get(ti).size() != sizeOf(shapes.get(ti))) {
        throw new IllegalArgumentException("aggregation input tensor[" + ti + "] does not match the model layout");
      }
    }
    if (sinceFlush > BUFFERED_ADDS - 2) flush(); // room for this vector and its rollback
    long bad = apply(tensors, weight, false, Long.MAX_VALUE);
    if (bad >= 0) {
      apply(tensors, weight, true, bad); // takes back exactly what was added: integer addition mod 2^128
      int ti = 0;
      long index = bad;
      while (index >= tensors.get(ti).size()) index -= tensors.get(ti++).size();
      double term = weight * tensors.get(ti).get((int) index);
      throw new IllegalArgumentException(
          "aggregation term tensor[" + ti + "][" + index + "] = " + term + " is not finite or exceeds 2^62");
    }
    totalWeight += weight;
    terms++;
  }

  /**
   * Adds (or, if {@code subtract}, subtracts) the terms of {@code tensors} before the flat index
   * {@code stop}, chunk by chunk: the {@link FixedPointKernel} takes every term an integer weight
   * makes a plain shift, {@link #addTerm} the others. The kernel takes each chunk it touches whole,
   * so a subtraction up to the index where an addition stopped takes back exactly what it added.
   *
   * @return when adding, the flat index of the first term out of range (the terms after it were
   *     not added, but for the kernel's terms of its chunk), or -1
   */
  private long apply(List<Tensor> tensors, double weight, boolean subtract, long stop) {
    // An integer weight below 2^29 times a float's 24-bit significand is exact in 53 bits, so the
    // kernel computes the term's fixed-point value with integer operations only; the general path
    // gives the same bits for the terms the kernel handles.
    long integerWeight = weight <= 0x1p29 && weight == Math.rint(weight) ? (long) weight : 0;
    int window = buffer != null && integerWeight > 0 ? window(integerWeight) : -1;
    if (window >= 0) sinceFlush++;
    FloatBuffer chunk = FloatBuffer.wrap(scratch);
    long flat = 0;
    int c = 0;
    for (Tensor t : tensors) {
      int n = t.size();
      for (int from = 0; from < n && flat + from < stop; from += CHUNK, c++) {
        int m = Math.min(CHUNK, n - from);
        int at = (int) flat + from;
        chunk.clear();
        t.writeTo(chunk, from, m);
        int special;
        if (integerWeight == 0) {
          special = m;
        } else if (window < 0) {
          special = kernel.add(scratch, m, integerWeight, subtract, hi, lo, at);
        } else {
          if (bases[c] < 0) bases[c] = base(scratch, m, window);
          special = kernel.add(scratch, m, integerWeight, subtract, buffer, bases[c], Math.min(window, 63 - bases[c]), hi, lo, at);
        }
        int last = (int) Math.min(m, stop - at);
        for (int j = 0; special > 0 && j < last; j++) {
          float x = scratch[j];
          if (integerWeight > 0 && !FixedPointKernel.special(x)) continue;
          special--;
          double term = weight * x;
          if (!(Math.abs(term) < LIMIT)) return at + j; // only when adding: a subtraction stops before
          addTerm(at + j, subtract ? -term : term);
        }
      }
      flat += n;
    }
    return -1;
  }

  /**
   * The width in binades of the window of shifts whose terms a buffer takes for {@code weight}, or
   * -1 if too narrow to be worth it: {@value #BUFFERED_ADDS} terms below 2^(63 - headroom) cannot
   * overflow a signed 64-bit buffer, and a term {@code weight · significand} (below
   * 2^(24 + bit length of weight)) shifted by at most the width stays below 2^(63 - headroom).
   */
  private static int window(long weight) {
    int width = 63 - HEADROOM_BITS - 24 - (64 - Long.numberOfLeadingZeros(weight));
    return width >= MIN_WINDOW ? width : -1;
  }

  /**
   * The base shift of a chunk's window, from its first vector's values {@code x[0..m)}: the window
   * ends one binade above their largest shift, so the chunk's values may double before they
   * leave it.
   */
  private static int base(float[] x, int m, int window) {
    int top = 127 - FixedPointKernel.MIN_SHIFTED; // magnitude 1 if the chunk has no plain shift
    int max = -1;
    for (int i = 0; i < m; i++) {
      int exp = (Float.floatToRawIntBits(x[i]) >>> 23) & 0xff;
      if (exp >= FixedPointKernel.MIN_SHIFTED && exp <= FixedPointKernel.MAX_SHIFTED) max = Math.max(max, exp);
    }
    if (max >= 0) top = max - FixedPointKernel.MIN_SHIFTED;
    return Math.max(0, Math.min(63, top + 1 - window));
  }

  /**
   * Adds every buffer into the accumulator and empties it: buffer value v at base b is
   * {@code v · 2^b} in the accumulator's units, a 128-bit shift of a 64-bit integer.
   */
  private void flush() {
    if (sinceFlush == 0) return;
    for (int c = 0; c < bases.length; c++) {
      int b = bases[c];
      if (b < 0) continue;
      for (int i = chunkStarts[c]; i < chunkStarts[c + 1]; i++) {
        long v = buffer[i];
        if (v == 0) continue;
        add(i, (v >> 1) >> (63 - b), v << b); // v's 128-bit sign extension shifted: the high word
        buffer[i] = 0;
      }
      bases[c] = -1;
    }
    sinceFlush = 0;
  }

  /** Adds the 128-bit integer {@code (tHi, tLo)} (unsigned low word) at index {@code i}, modulo 2^128. */
  private void add(int i, long tHi, long tLo) {
    long l = lo[i];
    long sum = l + tLo;
    lo[i] = sum;
    hi[i] += tHi + (Long.compareUnsigned(sum, l) < 0 ? 1 : 0);
  }

  /** Adds {@code term}, of magnitude below 2^62, at index {@code i}. */
  private void addTerm(int i, double term) {
    double a = Math.abs(term);
    // |term| * 2^64 truncated toward zero, as a 128-bit integer: the integer part is exact in a
    // long (|term| < 2^62), the fraction a - tHi is exact in a double, and scaling it by 2^32
    // twice is exact; each cast truncates, so what lies below 2^-64 is dropped.
    long tHi = (long) a;
    double f = (a - tHi) * TWO_POW_32;
    long upper = (long) f;
    long tLo = (upper << 32) | (long) ((f - upper) * TWO_POW_32);
    long sign = Double.doubleToRawLongBits(term) >> 63; // all ones if negative: two's complement negation
    tLo = (tLo ^ sign) - sign;
    tHi = (tHi ^ sign) + (sign & (~(tLo | -tLo) >>> 63));
    add(i, tHi, tLo);
  }

  /**
   * Adds every term of {@code other}: the result is bit for bit the sum that adding all of
   * {@code other}'s vectors here would give, because integer addition is associative. This is what
   * lets partial sums computed elsewhere (an edge aggregator, a Spark partition) combine into the
   * flat sum. {@code other}'s value is not changed.
   *
   * @throws IllegalArgumentException if the layouts differ
   */
  public void addAll(ExactWeightedSum other) {
    requireSameLayout(other.shapes, "merged sum");
    flush();
    other.flush(); // the same value, held in the accumulator alone
    for (int i = 0; i < hi.length; i++) add(i, other.hi[i], other.lo[i]);
    totalWeight += other.totalWeight;
    terms += other.terms;
  }

  /**
   * The exact state of this sum, to send or store a partial sum: per model value the 128-bit
   * fixed-point total as its high and low 64 bits, plus the total weight and the number of terms.
   * The arrays are copies.
   */
  public State state() {
    flush();
    return new State(hi.clone(), lo.clone(), totalWeight, terms);
  }

  /**
   * A sum for parameters laid out like {@code layout} holding {@code state}, as {@link #state()}
   * returned it (possibly in another process).
   *
   * @throws IllegalArgumentException if the state's length differs from the layout's value count,
   *     the weight is negative or not finite, or the term count is negative
   */
  public static ExactWeightedSum of(Parameters layout, State state) {
    ExactWeightedSum sum = new ExactWeightedSum(layout);
    if (state.hi().length != sum.hi.length || state.lo().length != sum.lo.length) {
      throw new IllegalArgumentException("exact sum state has " + state.hi().length + " high and " + state.lo().length
          + " low words, the model has " + sum.hi.length + " values");
    }
    if (!(state.totalWeight() >= 0) || !Double.isFinite(state.totalWeight())) {
      throw new IllegalArgumentException("exact sum state total weight must be finite and >= 0, got " + state.totalWeight());
    }
    if (state.terms() < 0) throw new IllegalArgumentException("exact sum state terms must be >= 0, got " + state.terms());
    System.arraycopy(state.hi(), 0, sum.hi, 0, sum.hi.length);
    System.arraycopy(state.lo(), 0, sum.lo, 0, sum.lo.length);
    sum.totalWeight = state.totalWeight();
    sum.terms = state.terms();
    return sum;
  }

  /**
   * The exact state of an {@link ExactWeightedSum}: value i is {@code hi[i]·2^64 + lo[i]}
   * (unsigned low word) in units of 2<sup>-64</sup>. Serializable, so that a partial sum can cross
   * a JVM boundary as it is (a Spark partition's sum).
   *
   * @param hi the high words, one per model value
   * @param lo the low words, one per model value
   * @param totalWeight the sum of the weights added
   * @param terms the number of vectors added
   */
  public record State(long[] hi, long[] lo, double totalWeight, int terms) implements Serializable {}

  private void requireSameLayout(List<int[]> other, String what) {
    if (!sameShapes(other)) throw new IllegalArgumentException(what + " does not match the model layout");
  }

  private boolean sameShapes(List<int[]> other) {
    boolean same = other.size() == shapes.size();
    for (int i = 0; same && i < shapes.size(); i++) same = Arrays.equals(other.get(i), shapes.get(i));
    return same;
  }

  private static int sizeOf(int[] shape) {
    int n = 1;
    for (int d : shape) n *= d;
    return n;
  }

  /** Empties the sum: no terms, as if new (and without allocating, for a sum reused round after round). */
  public void clear() {
    Arrays.fill(hi, 0);
    Arrays.fill(lo, 0);
    if (buffer != null) Arrays.fill(buffer, 0);
    Arrays.fill(bases, -1);
    sinceFlush = 0;
    totalWeight = 0;
    terms = 0;
  }

  /** True if {@code values} are laid out like this sum's model (the same tensor shapes). */
  public boolean fits(Parameters values) {
    return sameShapes(values.shapes());
  }

  /** Number of vectors added. */
  public int terms() {
    return terms;
  }

  /** Sum of the weights added. */
  public double totalWeight() {
    return totalWeight;
  }

  /** The weighted sum, rounded to float. */
  public Parameters sum() {
    return scaled(1.0);
  }

  /**
   * The weighted mean: the sum divided by the total weight.
   *
   * @throws IllegalStateException if nothing was added
   */
  public Parameters mean() {
    if (terms == 0) throw new IllegalStateException("weighted mean of no terms");
    return scaled(1.0 / totalWeight);
  }

  private Parameters scaled(double factor) {
    flush();
    List<Tensor> out = new ArrayList<>(shapes.size());
    int offset = 0;
    for (int[] shape : shapes) {
      int n = sizeOf(shape);
      float[] v = new float[n];
      for (int j = 0; j < n; j++) {
        v[j] = (float) (value(offset + j) * factor);
      }
      out.add(Tensor.adopt(shape, v));
      offset += n;
    }
    return Parameters.of(out);
  }

  private double value(int i) {
    long l = lo[i];
    double unsignedLo = l >= 0 ? (double) l : ((double) (l >>> 1)) * 2.0 + (l & 1);
    return hi[i] + unsignedLo * TWO_POW_MINUS_64;
  }
}
