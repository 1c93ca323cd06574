package io.lianbang.vertical.boost;

/**
 * A SecureBoost run failed: a peer was lost or timed out, or sent a message the protocol refuses.
 * The message names the party, the peer, the step (message tag) and, for a refused message, the field.
 */
public final class SecureBoostException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A failure described by {@code message}. */
  public SecureBoostException(String message) {
    super(message);
  }

  /** A failure described by {@code message}, caused by {@code cause}. */
  public SecureBoostException(String message, Throwable cause) {
    super(message, cause);
  }
}
