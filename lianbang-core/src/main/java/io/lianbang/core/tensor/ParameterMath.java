package io.lianbang.core.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * Value-by-value arithmetic on {@link Parameters}, read in place and written straight into the
 * result's tensors: no flattened copies of the inputs and one new array per result tensor.
 *
 * <p>Values are visited in flat order (tensor by tensor, row-major inside each), and the flat index
 * {@code i} handed to a function is the position the value would have in {@link
 * Parameters#flatten()}, so callers can pair values with flat state vectors. Each operation states
 * its precision; results of the named operations are bit-identical to writing the loop out over
 * flattened arrays with the same expression.
 *
 * <p>Operations on two parameter sets require the same layout (tensor count and shapes) and
 * otherwise throw an {@link IllegalArgumentException} naming the first mismatch.
 */
public final class ParameterMath {
  private ParameterMath() {}

  /** A function of one value and its flat index. */
  @FunctionalInterface
  public interface ValueFunction {
    /** The new value for {@code x} at flat index {@code i}. */
    float apply(int i, float x);
  }

  /** A function of the values at one flat index of two parameter sets. */
  @FunctionalInterface
  public interface PairFunction {
    /** The new value for {@code x} and {@code y} at flat index {@code i}. */
    float apply(int i, float x, float y);
  }

  /** A consumer of the values at one flat index of two parameter sets. */
  @FunctionalInterface
  public interface PairVisitor {
    /** Receives {@code x} and {@code y} at flat index {@code i}. */
    void accept(int i, float x, float y);
  }

  /** Parameters in {@code p}'s layout holding {@code f(i, p_i)}, computed in flat order. */
  public static Parameters map(Parameters p, ValueFunction f) {
    List<Tensor> out = new ArrayList<>(p.count());
    int i = 0;
    for (Tensor t : p.tensors()) {
      float[] v = new float[t.size()];
      for (int j = 0; j < v.length; j++, i++) v[j] = f.apply(i, t.get(j));
      out.add(Tensor.adopt(t.shape(), v));
    }
    return Parameters.of(out);
  }

  /**
   * Parameters in {@code a}'s layout holding {@code f(i, a_i, b_i)}, computed in flat order.
   *
   * @throws IllegalArgumentException if {@code b}'s layout differs from {@code a}'s
   */
  public static Parameters zip(Parameters a, Parameters b, PairFunction f) {
    requireSameLayout(a, b);
    List<Tensor> out = new ArrayList<>(a.count());
    int i = 0;
    for (int ti = 0; ti < a.count(); ti++) {
      Tensor ta = a.tensor(ti);
      Tensor tb = b.tensor(ti);
      float[] v = new float[ta.size()];
      for (int j = 0; j < v.length; j++, i++) v[j] = f.apply(i, ta.get(j), tb.get(j));
      out.add(Tensor.adopt(ta.shape(), v));
    }
    return Parameters.of(out);
  }

  /**
   * Calls {@code visitor} with {@code (i, a_i, b_i)} for every flat index in order.
   *
   * @throws IllegalArgumentException if {@code b}'s layout differs from {@code a}'s
   */
  public static void forEach(Parameters a, Parameters b, PairVisitor visitor) {
    requireSameLayout(a, b);
    int i = 0;
    for (int ti = 0; ti < a.count(); ti++) {
      Tensor ta = a.tensor(ti);
      Tensor tb = b.tensor(ti);
      for (int j = 0; j < ta.size(); j++, i++) visitor.accept(i, ta.get(j), tb.get(j));
    }
  }

  /** Zeros in {@code layout}'s shapes. */
  public static Parameters zeros(Parameters layout) {
    List<Tensor> out = new ArrayList<>(layout.count());
    for (Tensor t : layout.tensors()) out.add(Tensor.zeros(t.shape()));
    return Parameters.of(out);
  }

  /** {@code a − b} as one flat array (the layout of {@link Parameters#flatten()}), in float32. */
  public static float[] subtractFlat(Parameters a, Parameters b) {
    float[] out = new float[flatLength(a)];
    forEach(a, b, (i, x, y) -> out[i] = x - y);
    return out;
  }

  /** {@code p + std · g} with {@code g} drawn from {@code gaussian} once per value in flat order; in double, rounded once. */
  public static Parameters addNoise(Parameters p, double std, DoubleSupplier gaussian) {
    return map(p, (i, x) -> (float) (x + std * gaussian.getAsDouble()));
  }

  /**
   * The squared L2 distance {@code Σ (a_i − b_i)²}, each difference taken exactly in double and the
   * squares summed in flat order.
   *
   * @throws IllegalArgumentException if the layouts differ
   */
  public static double squaredDistance(Parameters a, Parameters b) {
    requireSameLayout(a, b);
    double s = 0;
    for (int ti = 0; ti < a.count(); ti++) {
      Tensor ta = a.tensor(ti);
      Tensor tb = b.tensor(ti);
      for (int j = 0; j < ta.size(); j++) {
        double d = (double) ta.get(j) - tb.get(j);
        s += d * d;
      }
    }
    return s;
  }

  /** The L2 distance: the square root of {@link #squaredDistance}. */
  public static double distance(Parameters a, Parameters b) {
    return Math.sqrt(squaredDistance(a, b));
  }

  /**
   * {@code target_i += weight · p_i} in double over the flat index.
   *
   * @throws IllegalArgumentException if {@code target} does not have one entry per value of {@code p}
   */
  public static void addScaledTo(double[] target, double weight, Parameters p) {
    requireLength(target.length, p);
    int i = 0;
    for (Tensor t : p.tensors()) {
      for (int j = 0; j < t.size(); j++, i++) target[i] += weight * t.get(j);
    }
  }

  /**
   * {@code target_i ← (float) (target_i + weight · p_i)}, computed in double and rounded once.
   *
   * @throws IllegalArgumentException if {@code target} does not have one entry per value of {@code p}
   */
  public static void addScaledTo(float[] target, double weight, Parameters p) {
    requireLength(target.length, p);
    int i = 0;
    for (Tensor t : p.tensors()) {
      for (int j = 0; j < t.size(); j++, i++) target[i] = (float) (target[i] + weight * t.get(j));
    }
  }

  /**
   * Checks that {@code b} has {@code a}'s layout.
   *
   * @throws IllegalArgumentException naming the first mismatching tensor and its shapes
   */
  public static void requireSameLayout(Parameters a, Parameters b) {
    String mismatch = a.layoutMismatch(b);
    if (mismatch != null) throw new IllegalArgumentException("parameter layouts differ: " + mismatch);
  }

  private static void requireLength(int length, Parameters p) {
    if (length != p.elementCount()) {
      throw new IllegalArgumentException("flat vector has " + length + " values, the parameters have " + p.elementCount());
    }
  }

  private static int flatLength(Parameters p) {
    long n = p.elementCount();
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("parameters have " + n + " values, too many to flatten into one array");
    }
    return (int) n;
  }
}
