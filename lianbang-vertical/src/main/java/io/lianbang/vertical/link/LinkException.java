package io.lianbang.vertical.link;

/** A message could not be sent or received; {@link #reason()} says why. */
public final class LinkException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Why a link operation failed. */
  public enum Reason {
    /** No message arrived before the deadline. */
    TIMEOUT,
    /** The peer crashed, left or was never connected. */
    PEER_LOST,
    /** A message broke the limits or the protocol (size, count, malformed payload). */
    REFUSED,
    /** This link was closed. */
    CLOSED
  }

  private final Reason reason;

  /** A failure for {@code reason} with a message naming the peer, tag or field. */
  public LinkException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** A failure for {@code reason} caused by {@code cause}. */
  public LinkException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /** Why it failed. */
  public Reason reason() {
    return reason;
  }
}
