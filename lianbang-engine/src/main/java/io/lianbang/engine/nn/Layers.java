package io.lianbang.engine.nn;

/** Factory for the layers a {@link Sequential} network is made of. */
public final class Layers {
  private Layers() {}

  /** Fully connected layer with {@code out} units (input size taken from the previous layer). */
  public static Layer dense(int out) {
    return new Dense(out);
  }

  /** Stride-1 convolution with {@code outChannels} filters of {@code kernel×kernel} and zero padding {@code padding}. */
  public static Layer conv2d(int outChannels, int kernel, int padding) {
    return new Conv2d(outChannels, kernel, padding);
  }

  /** Max pooling with a {@code kernel×kernel} window and stride {@code kernel}. */
  public static Layer maxPool2d(int kernel) {
    return new MaxPool2d(kernel, kernel);
  }

  /** Max pooling with a {@code kernel×kernel} window and the given stride. */
  public static Layer maxPool2d(int kernel, int stride) {
    return new MaxPool2d(kernel, stride);
  }

  /** Rectified linear unit. */
  public static Layer relu() {
    return new ReLU();
  }

  /** Inverted dropout with drop probability {@code p}, active only in training. */
  public static Layer dropout(double p) {
    return new Dropout(p);
  }

  /** Flattens each example to one dimension. */
  public static Layer flatten() {
    return new Flatten();
  }
}
