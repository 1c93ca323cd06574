package io.lianbang.engine.data;

/**
 * Per-feature min-max scaling {@code (x - min) / (max - min)} to {@code [0, 1]}, fitted on one
 * dataset (the training set) and applied unchanged to others; values of other datasets may fall
 * outside {@code [0, 1]} and are not clipped. A feature with {@code max == min} is divided by 1
 * instead (it is only shifted). Immutable.
 */
public final class MinMaxScaler {
  private final float[] min;
  private final float[] range;

  private MinMaxScaler(float[] min, float[] range) {
    this.min = min;
    this.range = range;
  }

  /**
   * Fits the minimum and maximum of every feature of {@code train}.
   *
   * @throws IllegalArgumentException if {@code train} is empty
   */
  public static MinMaxScaler fit(Dataset train) {
    int n = train.size();
    int f = train.featureCount();
    if (n == 0) throw new IllegalArgumentException("min-max scaler cannot be fitted on an empty dataset");
    float[] x = train.features();
    float[] lo = new float[f];
    float[] hi = new float[f];
    System.arraycopy(x, 0, lo, 0, f);
    System.arraycopy(x, 0, hi, 0, f);
    for (int i = 1; i < n; i++) {
      for (int j = 0; j < f; j++) {
        float v = x[i * f + j];
        if (v < lo[j]) lo[j] = v;
        if (v > hi[j]) hi[j] = v;
      }
    }
    float[] range = new float[f];
    for (int j = 0; j < f; j++) range[j] = hi[j] > lo[j] ? hi[j] - lo[j] : 1f;
    return new MinMaxScaler(lo, range);
  }

  /** Per-feature minima (a copy). */
  public float[] min() {
    return min.clone();
  }

  /** Per-feature divisors: {@code max - min}, or 1 where that is 0 (a copy). */
  public float[] range() {
    return range.clone();
  }

  /**
   * A new dataset with scaled features and the same labels.
   *
   * @throws IllegalArgumentException if {@code data} has a different number of features
   */
  public Dataset transform(Dataset data) {
    int f = min.length;
    if (data.featureCount() != f) {
      throw new IllegalArgumentException("min-max scaler was fitted on " + f + " features but the dataset has " + data.featureCount());
    }
    float[] x = data.features();
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      int j = i % f;
      y[i] = (x[i] - min[j]) / range[j];
    }
    return data.withFeatures(y);
  }

  /** Both parts transformed. */
  public TrainTest transform(TrainTest split) {
    return new TrainTest(transform(split.train()), transform(split.test()));
  }
}
