package io.lianbang.engine.nn;

import io.lianbang.core.tensor.Tensor;
import io.lianbang.engine.kernel.Kernels;
import java.util.Arrays;

/**
 * One trainable tensor of a layer: its values, its gradient, and how it is exposed.
 *
 * <p>The exposed shape is the PyTorch one (a dense weight is {@code [out, in]}, a convolution
 * weight {@code [out, in, kh, kw]}). A dense weight is stored transposed ({@code [in, out]}),
 * which is the layout the forward and weight-gradient products read fastest;
 * {@link #toTensor()} and {@link #load(Tensor)} convert.
 */
public final class Param {
  private final String name;
  private final int[] shape;
  private final boolean storedTransposed;
  final float[] value;
  final float[] grad;
  /** Incremented whenever {@link #value} changes, so layers can refresh derived copies. */
  int version;
  /**
   * Set by a layer that applied this step's plain SGD update during backward (its gradient was
   * then never stored whole, and {@link #grad} is stale); the optimizer skips it and clears it.
   */
  boolean updatedInBackward;
  /**
   * The tensor last loaded into a transposed param, and its values in storage layout: a simulated
   * round loads one global model into the same model for client after client, and a tensor is
   * immutable, so loading the same instance again is a plain copy instead of a transpose.
   */
  private Tensor loadedFrom;
  private float[] loadedStorage;

  Param(String name, int[] shape, boolean storedTransposed) {
    this.name = name;
    this.shape = shape.clone();
    if (storedTransposed && shape.length != 2) {
      throw new IllegalArgumentException("param " + name + ": only 2-d params can be stored transposed");
    }
    this.storedTransposed = storedTransposed;
    int n = 1;
    for (int d : shape) n *= d;
    this.value = new float[n];
    this.grad = new float[n];
  }

  /** Name, e.g. {@code "1.weight"} (layer index and role). */
  public String name() {
    return name;
  }

  /** Exposed (PyTorch) shape, a copy. */
  public int[] shape() {
    return shape.clone();
  }

  /** Number of values. */
  public int size() {
    return value.length;
  }

  /** Storage index of exposed flat index {@code e}. */
  int storageIndex(int e) {
    if (!storedTransposed) return e;
    int rows = shape[0];
    int cols = shape[1];
    return (e % cols) * rows + e / cols;
  }

  /** The values in the exposed layout. */
  public Tensor toTensor() {
    float[] out = new float[value.length];
    if (storedTransposed) {
      Kernels.get().transpose(shape[1], shape[0], value, 0, out, 0);
    } else {
      System.arraycopy(value, 0, out, 0, value.length);
    }
    return Tensor.adopt(shape, out);
  }

  /**
   * The values of {@code t} (exposed layout) in this param's storage layout, as a new array.
   *
   * @throws IllegalArgumentException naming this param if the shape differs
   */
  float[] storageOf(Tensor t) {
    if (!Arrays.equals(shape, t.shape())) {
      throw new IllegalArgumentException("param " + name + " expects shape " + Arrays.toString(shape)
          + " but got " + Arrays.toString(t.shape()));
    }
    float[] out = new float[value.length];
    if (storedTransposed) {
      Kernels.get().transpose(shape[0], shape[1], t.toArray(), 0, out, 0);
    } else {
      t.copyTo(out, 0);
    }
    return out;
  }

  /**
   * Replaces the values with those of {@code t} (exposed layout).
   *
   * @throws IllegalArgumentException naming this param if the shape differs
   */
  void load(Tensor t) {
    if (!Arrays.equals(shape, t.shape())) {
      throw new IllegalArgumentException("param " + name + " expects shape " + Arrays.toString(shape)
          + " but got " + Arrays.toString(t.shape()));
    }
    if (!storedTransposed) {
      t.copyTo(value, 0);
    } else if (t == loadedFrom) {
      System.arraycopy(loadedStorage, 0, value, 0, value.length);
    } else {
      Kernels.get().transpose(shape[0], shape[1], t.toArray(), 0, value, 0);
      loadedFrom = t;
      if (loadedStorage == null) loadedStorage = new float[value.length];
      System.arraycopy(value, 0, loadedStorage, 0, value.length);
    }
    version++;
  }

  @Override
  public String toString() {
    return name + Arrays.toString(shape);
  }
}
