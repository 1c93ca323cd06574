package io.lianbang.engine.data;

import java.util.List;
import java.util.Objects;

/**
 * A dataset read from a table, with the names that the table carried.
 *
 * @param dataset the examples: one feature vector of shape {@code [featureNames.size()]} per row
 * @param featureNames the feature columns in order, as named in the header
 * @param labelName the name of the label (or target) column
 * @param classNames for classification, the original value of each class index (class {@code i}
 *     was written as {@code classNames.get(i)}); empty for regression
 */
public record TabularData(Dataset dataset, List<String> featureNames, String labelName, List<String> classNames) {
  public TabularData {
    Objects.requireNonNull(dataset, "dataset");
    featureNames = List.copyOf(featureNames);
    Objects.requireNonNull(labelName, "labelName");
    classNames = List.copyOf(classNames);
  }
}
