package io.lianbang.cli.config;

/**
 * The {@code output} section.
 *
 * <p>{@code dir}: where the run writes its outputs, relative to the current directory; null means
 * {@code runs/<name>-<yyyyMMdd-HHmmss>}.
 */
public final class OutputConfig {
  public String dir;
}
