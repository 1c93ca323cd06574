package io.lianbang.vertical.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The vertically split data sets shipped under the project's {@code datasets/}. */
public final class TestData {
  private TestData() {}

  /** {@code datasets/<relative>}, found from the working directory upwards. */
  public static Path path(String relative) {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path p = d.resolve("datasets").resolve(relative);
      if (Files.exists(p)) return p;
    }
    throw new IllegalStateException("datasets/" + relative + " not found above " + Path.of("").toAbsolutePath());
  }

  /** Reads {@code datasets/<relative>}. */
  public static VerticalTable table(String relative) {
    try {
      return VerticalCsv.read(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The breast guest table (569 rows, labels, 10 features). */
  public static VerticalTable breastGuest() {
    return table("fate-breast/breast_hetero_guest.csv");
  }

  /** The breast host table (569 rows, 20 features). */
  public static VerticalTable breastHost() {
    return table("fate-breast/breast_hetero_host.csv");
  }

  /** The default-credit guest table (30,000 rows, labels, 13 features). */
  public static VerticalTable creditGuest() {
    return table("fate-default-credit/default_credit_hetero_guest.csv.gz");
  }

  /** The default-credit host table (30,000 rows, 10 features). */
  public static VerticalTable creditHost() {
    return table("fate-default-credit/default_credit_hetero_host.csv.gz");
  }
}
