package io.lianbang.cli;

/** A user error: the message is printed as {@code lianbang: error: <message>} and the exit code is 2. */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CliException(String message) {
    super(message);
  }
}
