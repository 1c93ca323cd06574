package io.lianbang.grpc.server;

/** Completes a task that the remote client reported it could not perform. */
public final class ClientReportedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ClientReportedException(String message) {
    super(message);
  }
}
