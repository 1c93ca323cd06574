package io.lianbang.cli.config;

/**
 * The {@code output} section.
 *
 * @param dir where the run writes its outputs, relative to the current directory; null means
 *     {@code runs/<name>-<yyyyMMdd-HHmmss>}
 */
public record OutputConfig(String dir) {}
