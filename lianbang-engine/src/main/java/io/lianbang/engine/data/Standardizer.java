package io.lianbang.engine.data;

/**
 * Per-feature standardisation {@code (x - mean) / std}, fitted on one dataset (the training set)
 * and applied unchanged to others, so no statistic of the test set leaks into training. {@code std}
 * is the population standard deviation; a feature with {@code std == 0} is divided by 1 instead
 * (it is only centred). Immutable.
 *
 * <pre>{@code
 * TrainTest scaled = Standardizer.fit(split.train()).transform(split);
 * }</pre>
 */
public final class Standardizer {
  private final float[] mean;
  private final float[] std;

  private Standardizer(float[] mean, float[] std) {
    this.mean = mean;
    this.std = std;
  }

  /**
   * Fits mean and standard deviation of every feature of {@code train}.
   *
   * @throws IllegalArgumentException if {@code train} is empty
   */
  public static Standardizer fit(Dataset train) {
    int n = train.size();
    int f = train.featureCount();
    if (n == 0) throw new IllegalArgumentException("standardizer cannot be fitted on an empty dataset");
    float[] x = train.features();
    double[] sum = new double[f];
    for (int i = 0; i < n; i++) for (int j = 0; j < f; j++) sum[j] += x[i * f + j];
    double[] m = new double[f];
    for (int j = 0; j < f; j++) m[j] = sum[j] / n;
    double[] sq = new double[f];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < f; j++) {
        double d = x[i * f + j] - m[j];
        sq[j] += d * d;
      }
    }
    float[] mean = new float[f];
    float[] std = new float[f];
    for (int j = 0; j < f; j++) {
      mean[j] = (float) m[j];
      double s = Math.sqrt(sq[j] / n);
      std[j] = s == 0 ? 1f : (float) s;
    }
    return new Standardizer(mean, std);
  }

  /**
   * A standardizer with the given statistics, e.g. computed from many datasets together.
   *
   * @param mean per-feature means
   * @param std per-feature divisors, each finite and positive
   * @throws IllegalArgumentException naming the feature and value if the arrays differ in length,
   *     are empty, or hold a non-finite mean or a divisor that is not finite and positive
   */
  public static Standardizer of(float[] mean, float[] std) {
    if (mean.length == 0 || mean.length != std.length) {
      throw new IllegalArgumentException("standardizer needs as many means as divisors, at least one, got " + mean.length
          + " and " + std.length);
    }
    for (int j = 0; j < mean.length; j++) {
      if (!Float.isFinite(mean[j])) throw new IllegalArgumentException("standardizer mean[" + j + "] must be finite, got " + mean[j]);
      if (!(std[j] > 0) || !Float.isFinite(std[j])) {
        throw new IllegalArgumentException("standardizer std[" + j + "] must be finite and > 0, got " + std[j]);
      }
    }
    return new Standardizer(mean.clone(), std.clone());
  }

  /** Per-feature means (a copy). */
  public float[] mean() {
    return mean.clone();
  }

  /** Per-feature divisors: the standard deviation, or 1 where it was 0 (a copy). */
  public float[] std() {
    return std.clone();
  }

  /**
   * A new dataset with standardised features and the same labels.
   *
   * @throws IllegalArgumentException if {@code data} has a different number of features
   */
  public Dataset transform(Dataset data) {
    int f = mean.length;
    if (data.featureCount() != f) {
      throw new IllegalArgumentException("standardizer was fitted on " + f + " features but the dataset has " + data.featureCount());
    }
    float[] x = data.features();
    float[] y = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      int j = i % f;
      y[i] = (x[i] - mean[j]) / std[j];
    }
    return data.withFeatures(y);
  }

  /** Both parts transformed. */
  public TrainTest transform(TrainTest split) {
    return new TrainTest(transform(split.train()), transform(split.test()));
  }
}
