package io.lianbang.store;

/**
 * A run as stored, with what its rounds add up to.
 *
 * @param id the run's number in the store
 * @param name its name
 * @param kind what started it ({@code simulate}, {@code demo}, {@code experiment}, {@code server})
 * @param status where it stands
 * @param startedAt when it started (ISO-8601, UTC)
 * @param finishedAt when it ended, or null
 * @param roundsPlanned the rounds it was to run
 * @param roundsDone the rounds (from 1) it completed
 * @param finalAccuracy the test accuracy of its last round that has one, or {@code NaN}
 * @param uplinkBytes its total uplink bytes so far
 * @param downlinkBytes its total downlink bytes so far
 * @param configYaml the effective configuration
 * @param configSha256 the SHA-256 of {@code configYaml}, in hex
 * @param lianbangVersion the Lianbang version, or null
 * @param gitCommit the commit Lianbang was built from, or null
 * @param javaVersion the Java runtime's version, or null
 * @param kernels the engine's kernels, or null
 * @param environmentJson the whole environment as a JSON object, or null
 * @param outputDir its output directory, or null
 * @param epsilon the privacy loss ε its privacy report gives, or {@code NaN}
 * @param error why it failed, or null
 */
public record StoredRun(long id, String name, String kind, RunStatus status, String startedAt, String finishedAt,
    int roundsPlanned, int roundsDone, double finalAccuracy, long uplinkBytes, long downlinkBytes, String configYaml,
    String configSha256, String lianbangVersion, String gitCommit, String javaVersion, String kernels, String environmentJson,
    String outputDir, double epsilon, String error) {}
