package io.lianbang.vertical.data;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One party's share of a vertically partitioned data set: row ids, the labels if this party holds
 * them (the guest), and its own features, row-major.
 *
 * @param ids the row ids, distinct
 * @param labels the label of each row, or null for a party without labels
 * @param featureNames the names of the feature columns
 * @param features {@code features[row][column]}
 */
public record VerticalTable(List<String> ids, double[] labels, List<String> featureNames, double[][] features) {
  /** Validates the shapes and that ids are distinct. */
  public VerticalTable {
    ids = List.copyOf(ids);
    featureNames = List.copyOf(featureNames);
    Objects.requireNonNull(features, "features");
    if (features.length != ids.size()) throw new IllegalArgumentException("features has " + features.length + " rows, ids " + ids.size());
    if (labels != null && labels.length != ids.size()) throw new IllegalArgumentException("labels has " + labels.length + " rows, ids " + ids.size());
    for (int r = 0; r < features.length; r++) {
      if (features[r].length != featureNames.size()) {
        throw new IllegalArgumentException("row " + r + " (id " + ids.get(r) + ") has " + features[r].length + " features, expected " + featureNames.size());
      }
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int r = 0; r < ids.size(); r++) {
      Integer before = seen.put(ids.get(r), r);
      if (before != null) throw new IllegalArgumentException("id " + ids.get(r) + " appears in rows " + before + " and " + r);
    }
  }

  /** The number of rows. */
  public int rows() {
    return ids.size();
  }

  /** The number of feature columns. */
  public int columns() {
    return featureNames.size();
  }

  /** Whether this party holds the labels. */
  public boolean hasLabels() {
    return labels != null;
  }

  /** The rows whose ids are {@code order}, in that order (e.g. the intersection from PSI). */
  public VerticalTable select(List<String> order) {
    Map<String, Integer> index = new HashMap<>(ids.size() * 2);
    for (int r = 0; r < ids.size(); r++) index.put(ids.get(r), r);
    double[][] f = new double[order.size()][];
    double[] y = labels == null ? null : new double[order.size()];
    for (int i = 0; i < order.size(); i++) {
      Integer r = index.get(order.get(i));
      if (r == null) throw new IllegalArgumentException("id " + order.get(i) + " is not in this table");
      f[i] = features[r];
      if (y != null) y[i] = labels[r];
    }
    return new VerticalTable(order, y, featureNames, f);
  }
}
