package io.lianbang.grpc.wire;

import io.lianbang.core.text.Abbreviation;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.tensor.Tensor;
import io.lianbang.grpc.proto.v1.DType;
import io.lianbang.grpc.proto.v1.ParametersSpec;
import io.lianbang.grpc.proto.v1.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Tensor layouts ({@link ParametersSpec}) and their validation. */
public final class TensorSpecs {
  /** The largest number of values one tensor may hold (one Java array). */
  public static final long MAX_TENSOR_VALUES = Integer.MAX_VALUE - 8;

  private TensorSpecs() {}

  /** The layout of {@code parameters}: float32 tensors with their shapes. */
  public static ParametersSpec of(Parameters parameters) {
    ParametersSpec.Builder b = ParametersSpec.newBuilder();
    for (Tensor t : parameters.tensors()) {
      TensorSpec.Builder s = TensorSpec.newBuilder().setDtype(DType.DTYPE_FLOAT32);
      for (int d = 0; d < t.rank(); d++) s.addShape(t.dim(d));
      b.addTensors(s);
    }
    return b.build();
  }

  /** The layout of float32 tensors with these shapes. */
  public static ParametersSpec ofShapes(List<int[]> shapes) {
    ParametersSpec.Builder b = ParametersSpec.newBuilder();
    for (int[] shape : shapes) {
      TensorSpec.Builder s = TensorSpec.newBuilder().setDtype(DType.DTYPE_FLOAT32);
      for (int d : shape) s.addShape(d);
      b.addTensors(s);
    }
    return b.build();
  }

  /**
   * A short description of a layout, e.g. {@code [[1, 30], [1]]}, fit for a status or a log line
   * even when a peer sent it: at most 8 tensors and 8 dimensions each are shown, then the count.
   */
  public static String describe(ParametersSpec spec) {
    StringBuilder b = new StringBuilder("[");
    int shown = Math.min(spec.getTensorsCount(), 8);
    for (int i = 0; i < shown; i++) {
      TensorSpec t = spec.getTensors(i);
      if (i > 0) b.append(", ");
      if (t.getDtype() != DType.DTYPE_FLOAT32) b.append("dtype ").append(t.getDtypeValue()).append(' ');
      b.append('[');
      int dims = Math.min(t.getShapeCount(), 8);
      for (int d = 0; d < dims; d++) b.append(d > 0 ? ", " : "").append(t.getShape(d));
      if (t.getShapeCount() > dims) b.append(", ... (").append(t.getShapeCount()).append(" dimensions)");
      b.append(']');
    }
    if (spec.getTensorsCount() > shown) b.append(", ... (").append(spec.getTensorsCount()).append(" tensors)");
    return b.append(']').toString();
  }

  /**
   * The shapes of a layout received from a peer.
   *
   * @throws IllegalArgumentException naming the tensor if its dtype is not float32, a dimension
   *     is negative, or it holds more values than one array can
   */
  public static List<int[]> shapes(ParametersSpec spec) {
    List<int[]> out = new ArrayList<>(spec.getTensorsCount());
    for (int i = 0; i < spec.getTensorsCount(); i++) {
      TensorSpec t = spec.getTensors(i);
      if (t.getDtype() != DType.DTYPE_FLOAT32) {
        throw new IllegalArgumentException("tensor[" + i + "] has dtype " + t.getDtypeValue() + " (" + t.getDtype()
            + "); only DTYPE_FLOAT32 is supported");
      }
      int[] shape = new int[t.getShapeCount()];
      long n = 1;
      for (int d = 0; d < shape.length; d++) {
        long dim = t.getShape(d);
        if (dim < 0) throw new IllegalArgumentException("tensor[" + i + "] shape[" + d + "] is negative: " + dim);
        n = Math.multiplyHigh(n, dim) != 0 ? Long.MAX_VALUE : n * dim;
        if (n > MAX_TENSOR_VALUES) {
          throw new IllegalArgumentException("tensor[" + i + "] shape " + Abbreviation.abbreviate(t.getShapeList().toString())
              + " holds more than " + MAX_TENSOR_VALUES + " values");
        }
        shape[d] = (int) dim;
      }
      out.add(shape);
    }
    return out;
  }

  /**
   * Describes how {@code actual} differs from the layout of {@code expected}, or returns null if
   * it matches (same number of tensors, float32, same shapes); bounded in length whatever
   * {@code actual} holds.
   */
  public static String mismatch(Parameters expected, ParametersSpec actual) {
    if (actual.getTensorsCount() != expected.count()) {
      return "expected " + expected.count() + " tensors but got " + actual.getTensorsCount();
    }
    List<int[]> shapes;
    try {
      shapes = shapes(actual);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    for (int i = 0; i < expected.count(); i++) {
      int[] want = expected.tensor(i).shape();
      if (!Arrays.equals(want, shapes.get(i))) {
        return "tensor[" + i + "] expected shape " + Arrays.toString(want) + " but got "
            + Abbreviation.abbreviate(Arrays.toString(shapes.get(i))); // the client's shape, of any length
      }
    }
    return null;
  }

  /** Total bytes of the values of tensors with these shapes (float32). */
  public static long byteSize(List<int[]> shapes) {
    long total = 0;
    for (int[] s : shapes) total += 4L * values(s);
    return total;
  }

  static long values(int[] shape) {
    long n = 1;
    for (int d : shape) n *= d;
    return n;
  }
}
