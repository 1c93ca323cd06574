package io.lianbang.cli.config;

/**
 * A configuration that cannot be read or is invalid: the message names the key (by its YAML
 * path), where it is, and the value.
 */
public final class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
