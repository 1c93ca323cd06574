package io.lianbang.privacy.secagg;

/** A secure-aggregation protocol fault: a message failed authentication, was inconsistent, or a stage cannot proceed. */
public final class SecAggException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SecAggException(String message) {
    super(message);
  }
}
