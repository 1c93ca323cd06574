package io.lianbang.spark;

import io.lianbang.core.text.Abbreviation;
import java.util.Map;

/**
 * The Spark backend's settings.
 *
 * @param master the Spark master URL ({@code spark.master}): {@code local[N]} for N executor
 *     threads in this JVM, {@code spark://host:port} for a standalone cluster; null to take it
 *     from the environment ({@code spark-submit} sets the {@code spark.master} system property),
 *     else {@code local[*]}
 * @param partitions the number of Spark partitions the clients are split into
 *     ({@code spark.partitions}); 0 (the default) for the context's default parallelism. The
 *     result does not depend on it.
 */
public record SparkSettings(String master, int partitions) {
  /** The setting naming the master. */
  public static final String MASTER = "spark.master";
  /** The setting naming the number of partitions. */
  public static final String PARTITIONS = "spark.partitions";
  /** The most partitions one may ask for. */
  public static final int MAX_PARTITIONS = 1 << 20;

  /** @throws IllegalArgumentException naming the key if the master is blank or the partition count out of range */
  public SparkSettings {
    if (master != null && master.isBlank()) throw new IllegalArgumentException(MASTER + " must not be blank");
    if (partitions < 0 || partitions > MAX_PARTITIONS) {
      throw new IllegalArgumentException(PARTITIONS + " must be in [0, " + MAX_PARTITIONS + "], got " + partitions);
    }
  }

  /** The defaults: the master from the environment, the default parallelism. */
  public static SparkSettings defaults() {
    return new SparkSettings(null, 0);
  }

  /**
   * The settings among {@code settings} (other keys are ignored).
   *
   * @throws IllegalArgumentException naming the key and value if one is invalid
   */
  public static SparkSettings from(Map<String, String> settings) {
    String master = settings.get(MASTER);
    String p = settings.get(PARTITIONS);
    int partitions = 0;
    if (p != null) {
      try {
        partitions = Integer.parseInt(p.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(PARTITIONS + " must be an integer, got " + Abbreviation.abbreviate(p));
      }
    }
    return new SparkSettings(master, partitions);
  }
}
