package io.lianbang.store;

import java.util.Objects;

/**
 * What is known of a run when it starts.
 *
 * @param name the run's name
 * @param kind what started it: {@code simulate}, {@code demo}, {@code experiment} or {@code server}
 * @param roundsPlanned the rounds it is to run
 * @param configYaml the effective configuration as canonical YAML (its SHA-256 is the run's
 *     configuration fingerprint)
 * @param lianbangVersion the Lianbang version, or null
 * @param gitCommit the commit Lianbang was built from, or null if unknown
 * @param javaVersion the Java runtime's version, or null
 * @param kernels the engine's kernels, e.g. {@code vector(256-bit)}, or null
 * @param environmentJson the whole environment as a JSON object, or null
 * @param outputDir the directory its files go to, or null for none
 */
public record NewRun(String name, String kind, int roundsPlanned, String configYaml, String lianbangVersion, String gitCommit,
    String javaVersion, String kernels, String environmentJson, String outputDir) {
  public NewRun {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(configYaml, "configYaml");
  }
}
