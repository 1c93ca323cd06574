package io.lianbang.core.aggregate;

import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import java.util.ArrayList;
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
 * <p>Memory is 16 bytes per model value plus one long, independent of the number of terms: this
 * is what lets the server aggregate any number of clients in O(model size).
 *
 * <p>Not thread-safe; callers serialise {@link #add} calls.
 */
public final class ExactWeightedSum {
  private static final double TWO_POW_MINUS_64 = 0x1p-64;
  private static final double LIMIT = 0x1p62;

  private final List<int[]> shapes;
  private final long[] hi;
  private final long[] lo;
  private double totalWeight;
  private int terms;

  /** An empty sum for parameters laid out like {@code layout}. */
  public ExactWeightedSum(Parameters layout) {
    long n = layout.elementCount();
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("model has " + n + " values, more than one accumulator holds");
    }
    this.shapes = layout.shapes();
    this.hi = new long[(int) n];
    this.lo = new long[(int) n];
  }

  /**
   * Adds {@code weight * values}. The weight is usually a client's example count.
   *
   * @throws IllegalArgumentException if the layout differs from the sum's, a value is not finite,
   *     the weight is not positive and finite, or a term is too large for the fixed-point range
   */
  public void add(Parameters values, double weight) {
    if (!(weight > 0) || !Double.isFinite(weight)) {
      throw new IllegalArgumentException("aggregation weight must be positive and finite, got " + weight);
    }
    int offset = 0;
    int ti = 0;
    for (Tensor t : values.tensors()) {
      if (ti >= shapes.size() || t.size() != sizeOf(shapes.get(ti))) {
        throw new IllegalArgumentException("aggregation input tensor[" + ti + "] does not match the model layout");
      }
      for (int j = 0; j < t.size(); j++) {
        addTerm(offset + j, weight * t.get(j), ti, j);
      }
      offset += t.size();
      ti++;
    }
    if (ti != shapes.size()) {
      throw new IllegalArgumentException("aggregation input has " + ti + " tensors, the model has " + shapes.size());
    }
    totalWeight += weight;
    terms++;
  }

  private void addTerm(int i, double term, int tensor, int index) {
    if (!(Math.abs(term) < LIMIT)) {
      throw new IllegalArgumentException(
          "aggregation term tensor[" + tensor + "][" + index + "] = " + term + " is not finite or exceeds 2^62");
    }
    long bits = Double.doubleToRawLongBits(term);
    int exp = (int) ((bits >>> 52) & 0x7ff);
    if (exp == 0) return; // zero or subnormal: below the fixed-point resolution
    long mant = (bits & 0xfffffffffffffL) | (1L << 52);
    int shift = exp - 1075 + 64; // value * 2^64 = mant * 2^shift
    long tHi;
    long tLo;
    if (shift >= 64) {
      tHi = mant << (shift - 64);
      tLo = 0;
    } else if (shift > 0) {
      tHi = mant >>> (64 - shift);
      tLo = mant << shift;
    } else if (shift == 0) {
      tHi = 0;
      tLo = mant;
    } else if (shift > -64) {
      tHi = 0;
      tLo = mant >>> -shift;
    } else {
      return;
    }
    if (bits < 0) { // two's complement negation of the 128-bit value
      tLo = ~tLo + 1;
      tHi = ~tHi + (tLo == 0 ? 1 : 0);
    }
    long sum = lo[i] + tLo;
    long carry = Long.compareUnsigned(sum, lo[i]) < 0 ? 1 : 0;
    lo[i] = sum;
    hi[i] += tHi + carry;
  }

  private static int sizeOf(int[] shape) {
    int n = 1;
    for (int d : shape) n *= d;
    return n;
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
