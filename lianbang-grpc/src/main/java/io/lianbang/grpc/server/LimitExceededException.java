package io.lianbang.grpc.server;

/**
 * A value a peer sent is beyond one of the server's {@link PeerLimits}; the message names the
 * field, the (abbreviated) value and the limit.
 */
final class LimitExceededException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  LimitExceededException(String message) {
    super(message);
  }
}
