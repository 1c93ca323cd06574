package io.lianbang.grpc.server;

/** Completes a remote client's open tasks when it disconnects, stops heartbeating or registers anew. */
public final class ClientGoneException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ClientGoneException(String message) {
    super(message);
  }
}
