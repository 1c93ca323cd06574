package io.lianbang.engine.data;

import java.util.Arrays;

/**
 * An in-memory labelled dataset: {@code size} examples of {@code exampleShape} stored row-major in
 * one float array, with either integer class labels (classification) or float targets
 * (regression, one or more values per example).
 *
 * <p>Datasets are treated as immutable: the arrays are never modified after construction, and
 * {@link #features()} and friends expose them without copying for the training hot path.
 * Callers must not write to the returned arrays.
 */
public final class Dataset {
  private final float[] features;
  private final int[] exampleShape;
  private final int featureCount;
  private final int size;
  private final int[] labels;
  private final float[] targets;
  private final int targetCount;
  private final int numClasses;

  private Dataset(float[] features, int[] exampleShape, int[] labels, float[] targets, int targetCount, int numClasses) {
    this.exampleShape = exampleShape.clone();
    int fc = 1;
    for (int d : exampleShape) fc *= d;
    this.featureCount = fc;
    if (fc <= 0) {
      throw new IllegalArgumentException("dataset exampleShape must be positive, got " + Arrays.toString(exampleShape));
    }
    if (features.length % fc != 0) {
      throw new IllegalArgumentException("dataset features: length " + features.length + " is not a multiple of " + fc);
    }
    this.size = features.length / fc;
    this.features = features;
    this.labels = labels;
    this.targets = targets;
    this.targetCount = targetCount;
    this.numClasses = numClasses;
  }

  /**
   * A classification dataset. Takes ownership of the arrays.
   *
   * @throws IllegalArgumentException if sizes disagree or a label is outside {@code [0, numClasses)}
   */
  public static Dataset classification(float[] features, int[] exampleShape, int[] labels, int numClasses) {
    Dataset d = new Dataset(features, exampleShape, labels, null, 0, numClasses);
    if (labels.length != d.size) {
      throw new IllegalArgumentException("dataset labels: expected " + d.size + " but got " + labels.length);
    }
    if (numClasses < 1) {
      throw new IllegalArgumentException("dataset numClasses must be at least 1, got " + numClasses);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException("dataset label[" + i + "] = " + labels[i] + " is outside [0, " + numClasses + ")");
      }
    }
    return d;
  }

  /**
   * A regression dataset with {@code targetCount} float targets per example. Takes ownership of the
   * arrays.
   */
  public static Dataset regression(float[] features, int[] exampleShape, float[] targets, int targetCount) {
    Dataset d = new Dataset(features, exampleShape, null, targets, targetCount, 0);
    if (targetCount < 1 || targets.length != (long) d.size * targetCount) {
      throw new IllegalArgumentException("dataset targets: expected " + d.size + " x " + targetCount + " but got " + targets.length);
    }
    return d;
  }

  /** Number of examples. */
  public int size() {
    return size;
  }

  /** Shape of one example, e.g. {@code [1, 28, 28]} or {@code [30]} (a copy). */
  public int[] exampleShape() {
    return exampleShape.clone();
  }

  /** Number of floats per example. */
  public int featureCount() {
    return featureCount;
  }

  /** True for a classification dataset (integer labels), false for regression. */
  public boolean isClassification() {
    return labels != null;
  }

  /** Number of classes (0 for regression). */
  public int numClasses() {
    return numClasses;
  }

  /** Number of target values per example (0 for classification). */
  public int targetCount() {
    return targetCount;
  }

  /** Row-major features, {@code size * featureCount} floats. Read only. */
  public float[] features() {
    return features;
  }

  /** Class labels (classification only). Read only. */
  public int[] labels() {
    if (labels == null) throw new IllegalStateException("dataset is a regression dataset and has no class labels");
    return labels;
  }

  /** Regression targets, {@code size * targetCount} floats (regression only). Read only. */
  public float[] targets() {
    if (targets == null) throw new IllegalStateException("dataset is a classification dataset and has no regression targets");
    return targets;
  }

  /** The label of example {@code i} (classification only). */
  public int label(int i) {
    return labels()[i];
  }

  /**
   * Number of examples of each class, indexed by label (classification only).
   *
   * @throws IllegalStateException for a regression dataset
   */
  public int[] classCounts() {
    int[] counts = new int[numClasses];
    for (int l : labels()) counts[l]++;
    return counts;
  }

  /**
   * A dataset with the same labels or targets and new features of the same shape, e.g. after
   * scaling. Takes ownership of {@code newFeatures}; the label or target array is shared, which is
   * safe because datasets never modify it.
   *
   * @throws IllegalArgumentException if {@code newFeatures} has a different length
   */
  public Dataset withFeatures(float[] newFeatures) {
    if (newFeatures.length != features.length) {
      throw new IllegalArgumentException("dataset withFeatures: expected " + features.length + " floats but got " + newFeatures.length);
    }
    return new Dataset(newFeatures, exampleShape, labels, targets, targetCount, numClasses);
  }

  /** A new dataset with the examples at {@code indices}, in that order. */
  public Dataset subset(int[] indices) {
    float[] f = new float[indices.length * featureCount];
    for (int k = 0; k < indices.length; k++) {
      int i = indices[k];
      if (i < 0 || i >= size) {
        throw new IndexOutOfBoundsException("dataset subset index " + i + " is outside [0, " + size + ")");
      }
      System.arraycopy(features, i * featureCount, f, k * featureCount, featureCount);
    }
    if (labels != null) {
      int[] l = new int[indices.length];
      for (int k = 0; k < indices.length; k++) l[k] = labels[indices[k]];
      return new Dataset(f, exampleShape, l, null, 0, numClasses);
    }
    float[] t = new float[indices.length * targetCount];
    for (int k = 0; k < indices.length; k++) {
      System.arraycopy(targets, indices[k] * targetCount, t, k * targetCount, targetCount);
    }
    return new Dataset(f, exampleShape, null, t, targetCount, 0);
  }

  @Override
  public String toString() {
    return "Dataset[" + size + " x " + Arrays.toString(exampleShape)
        + (labels != null ? ", " + numClasses + " classes]" : ", " + targetCount + " targets]");
  }
}
