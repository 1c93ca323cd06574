package io.lianbang.sim.spec;

import io.lianbang.core.check.Require;
import java.nio.file.Path;

/**
 * Which data the simulation federates.
 *
 * @param name {@code fashion-mnist}, {@code breast-cancer} (bundled) or {@code csv}
 * @param dir for Fashion-MNIST: a directory holding the four IDX files; null searches the
 *     standard places
 * @param path for {@code csv}: the file
 * @param labelColumn for {@code csv}: the name of the label column
 * @param testFraction for {@code csv} and {@code breast-cancer}: the share held out for testing,
 *     in (0, 1); Fashion-MNIST uses its own 10,000-image test set
 * @param normalize {@code none}, {@code standard} (mean 0, std 1 fitted on the training data) or
 *     {@code minmax}
 */
public record DatasetSpec(String name, Path dir, Path path, String labelColumn, double testFraction, String normalize) {
  public DatasetSpec {
    Require.oneOf("dataset.name", name, "fashion-mnist", "breast-cancer", "csv");
    Require.oneOf("dataset.normalize", normalize, "none", "standard", "minmax");
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("dataset.test_fraction must be in (0, 1), got " + testFraction);
    }
    if (name.equals("csv") && path == null) {
      throw new IllegalArgumentException("dataset.path is required when dataset.name is csv");
    }
  }

  /** Fashion-MNIST from the standard places, pixels scaled to [0, 1]. */
  public static DatasetSpec fashionMnist() {
    return new DatasetSpec("fashion-mnist", null, null, "label", 0.2, "none");
  }
}
