package io.lianbang.core.strategy;

import java.util.Objects;

/** A result together with the client that produced it. */
public record ClientResult<R>(String clientId, R result) {
  public ClientResult {
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(result, "result");
  }
}
