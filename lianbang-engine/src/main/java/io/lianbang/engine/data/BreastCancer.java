package io.lianbang.engine.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The Breast Cancer Wisconsin (Diagnostic) data set, shipped on the classpath: 569 examples, 30
 * real-valued features, 2 classes (212 malignant, 357 benign).
 *
 * <p>The rows are scikit-learn's bundled copy ({@code sklearn/datasets/data/breast_cancer.csv},
 * BSD 3-Clause, Copyright 2007-2019 Scikit-Learn Developers) with its first line replaced by a
 * plain header of scikit-learn's feature names and a {@code target} column. As in scikit-learn,
 * class 0 is malignant and class 1 is benign. The data is from the UCI Machine Learning Repository;
 * cite W. N. Street, W. H. Wolberg and O. L. Mangasarian, <i>Nuclear feature extraction for breast
 * tumor diagnosis</i>, IS&amp;T/SPIE Electronic Imaging 1993, vol. 1905, pp. 861-870. The full
 * licence note is in {@code breast_cancer.README.md} beside the resource.
 */
public final class BreastCancer {
  /** Classpath resource name, relative to this class. */
  public static final String RESOURCE = "breast_cancer.csv";

  /** Class names by label: 0 = malignant, 1 = benign. */
  public static final List<String> CLASS_NAMES = List.of("malignant", "benign");

  /** Number of examples. */
  public static final int SIZE = 569;

  /** Number of features. */
  public static final int FEATURES = 30;

  private BreastCancer() {}

  /** The 569 examples with feature shape {@code [30]} and labels 0 (malignant) / 1 (benign). */
  public static Dataset load() {
    return loadTable().dataset();
  }

  /** The data with its feature names and the label column name {@code target}. */
  public static TabularData loadTable() {
    try (InputStream in = BreastCancer.class.getResourceAsStream(RESOURCE)) {
      if (in == null) throw new IllegalStateException("classpath resource " + RESOURCE + " is missing next to " + BreastCancer.class.getName());
      Reader r = new InputStreamReader(in, StandardCharsets.UTF_8);
      return CsvReader.builder().labelColumn("target").build().read("classpath:io/lianbang/engine/data/" + RESOURCE, r);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled " + RESOURCE, e);
    }
  }
}
