package io.lianbang.store;

/** The run store cannot be opened, read or written; the message names the store and the reason. */
public final class StoreException extends RuntimeException {
  /** A failure described by {@code message}, caused by {@code cause}. */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
