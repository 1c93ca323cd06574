package io.lianbang.engine.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A chain of layers applied in order. Building assigns parameter names {@code "<layer>.weight"} /
 * {@code "<layer>.bias"} (layer index in the chain, as in PyTorch's {@code nn.Sequential}) and
 * initialises each layer from its own split of the seeded generator.
 *
 * <p>A ReLU that directly follows a dense or convolution layer is fused into it (the product applies it in its
 * epilogue); the results are the same bits as with separate layers.
 */
public final class Sequential {
  private final int[] inputShape;
  private final int[] outputShape;
  private final List<Layer> layers;
  private final List<Param> params;

  /**
   * Builds the network for examples of {@code inputShape}.
   *
   * @throws IllegalArgumentException if a layer does not fit the shape it receives
   */
  public Sequential(int[] inputShape, List<Layer> layers, Init init, long seed) {
    if (layers.isEmpty()) throw new IllegalArgumentException("sequential needs at least one layer");
    for (int d : inputShape) {
      if (d < 1) throw new IllegalArgumentException("sequential input shape must be positive, got " + Arrays.toString(inputShape));
    }
    this.inputShape = inputShape.clone();
    this.layers = List.copyOf(layers);
    SplittableRandom rng = new SplittableRandom(seed);
    int[] shape = this.inputShape;
    List<Param> ps = new ArrayList<>();
    for (int i = 0; i < this.layers.size(); i++) {
      shape = this.layers.get(i).build(shape, i + ".", init, rng.split());
      ps.addAll(this.layers.get(i).params());
    }
    this.outputShape = shape;
    this.params = List.copyOf(ps);
    if (fuse) {
      for (int i = 0; i + 1 < this.layers.size(); i++) {
        if (this.layers.get(i + 1) instanceof ReLU r && !r.fused) {
          if (this.layers.get(i) instanceof Dense d) {
            d.fuseRelu = true;
            r.fused = true;
          } else if (this.layers.get(i) instanceof Conv2d c) {
            c.fuseRelu = true;
            r.fused = true;
          }
        }
      }
    }
  }

  /** Whether new networks fuse a ReLU into the dense layer before it (package-private switch for tests). */
  static boolean fuse = !"false".equals(System.getProperty("lianbang.nn.fuse"));

  /** Shape of one input example (a copy). */
  public int[] inputShape() {
    return inputShape.clone();
  }

  /** Shape of one output example (a copy). */
  public int[] outputShape() {
    return outputShape.clone();
  }

  /** All trainable parameters in layer order (weight before bias). */
  public List<Param> params() {
    return params;
  }

  /** The layers, in order. */
  public List<Layer> layers() {
    return layers;
  }

  float[] forward(float[] x, int n, Exec exec) {
    float[] a = x;
    for (Layer l : layers) a = l.forward(a, n, exec);
    return a;
  }

  /** Backpropagates {@code dy}; the first layer is not asked for an input gradient. */
  void backward(float[] dy, int n, Exec exec) {
    float[] g = dy;
    for (int i = layers.size() - 1; i >= 0; i--) g = layers.get(i).backward(g, n, i > 0, exec);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Sequential[");
    for (int i = 0; i < layers.size(); i++) sb.append(i == 0 ? "" : ", ").append(layers.get(i));
    return sb.append(']').toString();
  }
}
