package io.lianbang.grpc.client;

/** Ends a client's run: the server refused it, or stayed unreachable for too long. */
public final class FederationClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FederationClientException(String message, Throwable cause) {
    super(message, cause);
  }
}
