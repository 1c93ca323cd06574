package io.lianbang.engine.nn;

import io.lianbang.engine.data.Dataset;

/** A reusable buffer holding one gathered batch: features plus labels or regression targets. */
final class Batch {
  float[] x = new float[0];
  int[] labels = new int[0];
  float[] targets = new float[0];
  int n;
  boolean classification;

  /** Copies examples {@code indices[from..to)} of {@code data} into this batch. */
  void gather(Dataset data, int[] indices, int from, int to) {
    int f = data.featureCount();
    n = to - from;
    if (x.length < n * f) x = new float[n * f];
    float[] src = data.features();
    for (int b = 0; b < n; b++) System.arraycopy(src, indices[from + b] * f, x, b * f, f);
    classification = data.isClassification();
    if (classification) {
      if (labels.length < n) labels = new int[n];
      int[] l = data.labels();
      for (int b = 0; b < n; b++) labels[b] = l[indices[from + b]];
    } else {
      int t = data.targetCount();
      if (targets.length < n * t) targets = new float[n * t];
      float[] src2 = data.targets();
      for (int b = 0; b < n; b++) System.arraycopy(src2, indices[from + b] * t, targets, b * t, t);
    }
  }

  /** Copies the contiguous examples {@code [from, to)} of {@code data}. */
  void gatherRange(Dataset data, int from, int to) {
    int f = data.featureCount();
    n = to - from;
    if (x.length < n * f) x = new float[n * f];
    System.arraycopy(data.features(), from * f, x, 0, n * f);
    classification = data.isClassification();
    if (classification) {
      if (labels.length < n) labels = new int[n];
      System.arraycopy(data.labels(), from, labels, 0, n);
    } else {
      int t = data.targetCount();
      if (targets.length < n * t) targets = new float[n * t];
      System.arraycopy(data.targets(), from * t, targets, 0, n * t);
    }
  }
}
