package io.lianbang.engine.data;

import java.io.FileNotFoundException;

/**
 * A dataset was not found in any of the places searched. The message lists every place, why it
 * did not qualify, and how to get the data.
 */
public final class DatasetNotFoundException extends FileNotFoundException {
  private static final long serialVersionUID = 1L;

  /** A dataset-not-found failure with a message that lists the places searched. */
  public DatasetNotFoundException(String message) {
    super(message);
  }
}
