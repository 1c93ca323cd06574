package io.lianbang.store;

import java.util.Objects;

/**
 * A client that took part in a round.
 *
 * @param round the round
 * @param clientId the client
 * @param succeeded whether its result was usable
 * @param reason why it failed (the kind and the message), or null if it succeeded
 */
public record Participant(int round, String clientId, boolean succeeded, String reason) {
  public Participant {
    Objects.requireNonNull(clientId, "clientId");
  }
}
