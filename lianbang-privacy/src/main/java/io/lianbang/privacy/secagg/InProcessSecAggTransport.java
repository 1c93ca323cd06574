package io.lianbang.privacy.secagg;

import io.lianbang.privacy.InProcessRoutes;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A {@link SecAggTransport} to participants in the same JVM, as in a simulation: each request runs
 * on the caller's executor against the named client's {@link SecAggParticipant}. The server side
 * still only sees the response messages.
 */
public final class InProcessSecAggTransport implements SecAggTransport {
  private final InProcessRoutes<SecAggParticipant> participants;

  /** Routes to {@code participants} by client id; calls run on {@code executor}. */
  public InProcessSecAggTransport(Map<String, SecAggParticipant> participants, Executor executor) {
    this.participants = new InProcessRoutes<>(participants, executor);
  }

  @Override
  public CompletableFuture<SecAggMessage> send(String clientId, SecAggMessage request, Instant deadline) {
    return participants.call(clientId, p -> p.respond(request),
        id -> new SecAggException(SecAggException.Kind.UNREACHABLE, "no participant " + id), deadline);
  }
}
