package io.lianbang.core.tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The parameters of a model: an immutable ordered list of tensors. This is the only thing about a
 * model that crosses the boundary between a client and the server.
 *
 * @param tensors the tensors, in order (an unmodifiable copy)
 */
public record Parameters(List<Tensor> tensors) {
  /**
   * Parameters made of the given tensors, in order.
   *
   * @throws IllegalArgumentException naming the index of a null tensor
   */
  public Parameters {
    for (int i = 0; i < tensors.size(); i++) {
      if (tensors.get(i) == null) {
        throw new IllegalArgumentException("parameters tensor[" + i + "] is null");
      }
    }
    tensors = List.copyOf(tensors);
  }

  /** Parameters made of the given tensors, in order. */
  public static Parameters of(List<Tensor> tensors) {
    return new Parameters(tensors);
  }

  /** Parameters made of the given tensors, in order. */
  public static Parameters of(Tensor... tensors) {
    return of(Arrays.asList(tensors));
  }

  /** Parameters with no tensors. */
  public static Parameters empty() {
    return new Parameters(List.of());
  }

  /**
   * Splits one flat array into tensors of the given shapes (in order). The inverse of {@link #flatten()}.
   *
   * @throws IllegalArgumentException if the sizes do not add up to {@code flat.length}
   */
  public static Parameters unflatten(List<int[]> shapes, float[] flat) {
    List<Tensor> out = new ArrayList<>(shapes.size());
    int offset = 0;
    for (int[] shape : shapes) {
      int n = 1;
      for (int d : shape) n *= d;
      if (offset + n > flat.length) {
        throw new IllegalArgumentException("parameters: shapes need more than the " + flat.length + " values given");
      }
      out.add(Tensor.adopt(shape, Arrays.copyOfRange(flat, offset, offset + n)));
      offset += n;
    }
    if (offset != flat.length) {
      throw new IllegalArgumentException("parameters: shapes take " + offset + " values but " + flat.length + " were given");
    }
    return new Parameters(out);
  }

  /** Tensor {@code i}. */
  public Tensor tensor(int i) {
    return tensors.get(i);
  }

  /** Number of tensors. */
  public int count() {
    return tensors.size();
  }

  /** Total number of scalar values over all tensors. */
  public long elementCount() {
    long n = 0;
    for (Tensor t : tensors) n += t.size();
    return n;
  }

  /** The shapes of the tensors, in order (copies). */
  public List<int[]> shapes() {
    List<int[]> s = new ArrayList<>(tensors.size());
    for (Tensor t : tensors) s.add(t.shape());
    return s;
  }

  /** All values concatenated in tensor order. */
  public float[] flatten() {
    long n = elementCount();
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalStateException("parameters have " + n + " values, too many to flatten into one array");
    }
    float[] flat = new float[(int) n];
    int offset = 0;
    for (Tensor t : tensors) {
      t.copyTo(flat, offset);
      offset += t.size();
    }
    return flat;
  }

  /** True if {@code other} has the same number of tensors with the same shapes. */
  public boolean sameShapes(Parameters other) {
    if (other.tensors.size() != tensors.size()) return false;
    for (int i = 0; i < tensors.size(); i++) {
      if (!tensors.get(i).sameShape(other.tensors.get(i))) return false;
    }
    return true;
  }

  /**
   * Describes the first way in which {@code candidate} does not match these parameters' layout,
   * or returns null if it matches. Used to produce errors that name the offending tensor.
   */
  public String layoutMismatch(Parameters candidate) {
    if (candidate.count() != count()) {
      return "expected " + count() + " tensors but got " + candidate.count();
    }
    for (int i = 0; i < count(); i++) {
      if (!tensors.get(i).sameShape(candidate.tensor(i))) {
        return "tensor[" + i + "] expected shape " + Arrays.toString(tensors.get(i).shape())
            + " but got " + Arrays.toString(candidate.tensor(i).shape());
      }
    }
    return null;
  }

  /** The index and position of the first NaN or infinite value, or null if all values are finite. */
  public String firstNonFinite() {
    for (int i = 0; i < tensors.size(); i++) {
      Tensor t = tensors.get(i);
      if (t.allFinite()) continue;
      for (int j = 0; j < t.size(); j++) {
        float v = t.get(j);
        if (!Float.isFinite(v)) return "tensor[" + i + "][" + j + "] = " + v;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "Parameters" + tensors;
  }
}
