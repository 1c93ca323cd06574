package io.lianbang.privacy.secagg;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Carries one SecAgg+ stage request to a client and its response back. In a simulation the
 * client's {@link SecAggParticipant} runs in-process ({@link InProcessSecAggTransport}); in a
 * deployment a network transport serialises the {@link SecAggMessage}s.
 *
 * <p>The future completes with the response, or exceptionally (with a
 * {@link java.util.concurrent.TimeoutException} once {@code deadline} passes, or with the client's
 * error); the server treats either as the client dropping out at that stage.
 */
public interface SecAggTransport {
  /** Sends {@code request} to {@code clientId}. */
  CompletableFuture<SecAggMessage> send(String clientId, SecAggMessage request, Instant deadline);
}
