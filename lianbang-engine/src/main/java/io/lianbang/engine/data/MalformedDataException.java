package io.lianbang.engine.data;

import java.io.IOException;

/**
 * A data file could not be read because its content is not what its format promises: a bad magic
 * number, a truncated body, a value that is not a number. The message always starts with the name
 * of the file (or resource) and says what is wrong with it.
 */
public final class MalformedDataException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String source;

  /** A problem with {@code source}; the message becomes {@code "source: problem"}. */
  public MalformedDataException(String source, String problem) {
    super(source + ": " + problem);
    this.source = source;
  }

  /** A problem with {@code source} caused by a lower-level I/O failure. */
  public MalformedDataException(String source, String problem, Throwable cause) {
    super(source + ": " + problem, cause);
    this.source = source;
  }

  /** The file or resource the problem is in, as named in the message. */
  public String source() {
    return source;
  }
}
