package io.lianbang.core.client;

/**
 * Completes a {@link ClientProxy} future when the client's answer arrived but was rejected
 * (malformed, wrong layout, non-finite values, bad counts). The federation records it as an
 * {@link io.lianbang.core.strategy.ClientFailure.Kind#INVALID} failure.
 */
public final class InvalidResultException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public InvalidResultException(String message) {
    super(message);
  }
}
