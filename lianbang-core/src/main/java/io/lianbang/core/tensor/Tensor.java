package io.lianbang.core.tensor;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * An immutable dense float32 tensor: a shape and its row-major values.
 *
 * <p>Instances never share their value array with callers: {@link #of} copies on the way in and
 * {@link #toArray()} copies on the way out. Code that must avoid the copy for speed reads through
 * {@link #copyTo(float[], int)}, {@link #writeTo(FloatBuffer, int, int)} or {@link #get(int)}.
 */
public final class Tensor {
  private final int[] shape;
  private final float[] values;

  private Tensor(int[] shape, float[] values) {
    this.shape = shape;
    this.values = values;
  }

  /**
   * Creates a tensor from a shape and values, copying both.
   *
   * @throws IllegalArgumentException if a dimension is negative or the number of values does not
   *     equal the product of the shape
   */
  public static Tensor of(int[] shape, float[] values) {
    int[] s = shape.clone();
    long n = elementCount(s);
    if (n != values.length) {
      throw new IllegalArgumentException(
          "tensor values: expected " + n + " for shape " + Arrays.toString(s) + " but got " + values.length);
    }
    return new Tensor(s, values.clone());
  }

  /** A one-dimensional tensor holding a copy of {@code values}. */
  public static Tensor vector(float... values) {
    return new Tensor(new int[] {values.length}, values.clone());
  }

  /** A tensor of the given shape filled with zeros. */
  public static Tensor zeros(int... shape) {
    int[] s = shape.clone();
    long n = elementCount(s);
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("tensor shape " + Arrays.toString(s) + " has " + n + " elements, more than one array can hold");
    }
    return new Tensor(s, new float[(int) n]);
  }

  /**
   * Wraps {@code values} without copying. The caller hands over ownership and must not modify the
   * array afterwards. Used by hot paths that have just produced a fresh array.
   */
  public static Tensor adopt(int[] shape, float[] values) {
    int[] s = shape.clone();
    long n = elementCount(s);
    if (n != values.length) {
      throw new IllegalArgumentException(
          "tensor values: expected " + n + " for shape " + Arrays.toString(s) + " but got " + values.length);
    }
    return new Tensor(s, values);
  }

  private static long elementCount(int[] shape) {
    long n = 1;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 0) {
        throw new IllegalArgumentException("tensor shape[" + i + "] must not be negative, got " + shape[i]);
      }
      n *= shape[i];
    }
    return n;
  }

  /** The shape (a copy). */
  public int[] shape() {
    return shape.clone();
  }

  /** Number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** Size of dimension {@code d}. */
  public int dim(int d) {
    return shape[d];
  }

  /** Number of elements. */
  public int size() {
    return values.length;
  }

  /** The element at flat (row-major) index {@code i}. */
  public float get(int i) {
    return values[i];
  }

  /** True if no value is NaN or infinite. */
  public boolean allFinite() {
    float most = 0; // the largest magnitude, NaN once a NaN is seen: a reduction the JIT vectorises
    for (float v : values) most = Math.max(most, Math.abs(v));
    return most <= Float.MAX_VALUE;
  }

  /** A copy of the values. */
  public float[] toArray() {
    return values.clone();
  }

  /** Copies the values into {@code dst} starting at {@code offset}. */
  public void copyTo(float[] dst, int offset) {
    System.arraycopy(values, 0, dst, offset, values.length);
  }

  /**
   * Writes the {@code n} values from flat index {@code from} into {@code dst} at its position, in
   * its byte order (one bulk copy).
   *
   * @throws IndexOutOfBoundsException if the range is outside this tensor
   * @throws java.nio.BufferOverflowException if {@code dst} has less than {@code n} values left
   */
  public void writeTo(FloatBuffer dst, int from, int n) {
    dst.put(values, from, n);
  }

  /** True if {@code other} has the same shape. */
  public boolean sameShape(Tensor other) {
    return Arrays.equals(shape, other.shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(values, t.values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "Tensor" + Arrays.toString(shape);
  }
}
