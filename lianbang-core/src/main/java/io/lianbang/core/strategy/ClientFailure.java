package io.lianbang.core.strategy;

import java.util.Objects;

/**
 * A client that was asked for a result in a round and did not deliver a usable one. Strategies
 * receive failures explicitly.
 *
 * @param clientId the client
 * @param kind why
 * @param message a human-readable description naming the problem
 */
public record ClientFailure(String clientId, Kind kind, String message) {
  /** Why a client's result is missing. */
  public enum Kind {
    /** No result before the round deadline. */
    TIMEOUT,
    /** The client reported an error or its connection failed. */
    ERROR,
    /** A result arrived but was rejected (wrong layout, non-finite values, bad example count). */
    INVALID
  }

  public ClientFailure {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
  }
}
