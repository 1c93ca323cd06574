package io.lianbang.cli.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.lianbang.sim.spec.DatasetSpec;
import io.lianbang.sim.spec.SimulationSpec;
import java.nio.file.Path;

/**
 * The {@code dataset} section. Relative paths resolve against the current directory, like paths
 * given as flags; a leading {@code ~/} means the home directory.
 */
@JsonPropertyOrder({"name", "dir", "path", "label_column", "test_fraction", "normalize"})
public final class DatasetConfig {
  public String name;
  public String dir;
  public String path;
  public String labelColumn;
  public double testFraction;
  public String normalize;

  /** The demo's dataset. */
  public DatasetConfig() {
    this(SimulationSpec.demo().dataset());
  }

  DatasetConfig(DatasetSpec spec) {
    name = spec.name();
    dir = spec.dir() == null ? null : spec.dir().toString();
    path = spec.path() == null ? null : spec.path().toString();
    labelColumn = spec.labelColumn();
    testFraction = spec.testFraction();
    normalize = spec.normalize();
  }

  DatasetSpec toSpec() {
    return new DatasetSpec(name, toPath(dir), toPath(path), labelColumn, testFraction, normalize);
  }

  /** {@code value} as an absolute path, or null if it is null or blank. */
  static Path toPath(String value) {
    if (value == null || value.isBlank()) return null;
    String v = value.strip();
    if (v.equals("~")) return Path.of(System.getProperty("user.home"));
    if (v.startsWith("~/")) return Path.of(System.getProperty("user.home"), v.substring(2));
    return Path.of(v).toAbsolutePath().normalize();
  }
}
