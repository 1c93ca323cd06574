package io.lianbang.core.federation;

/** Thrown when the clients a round needs did not become available before the deadline. */
public final class NotEnoughClientsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NotEnoughClientsException(String message) {
    super(message);
  }
}
