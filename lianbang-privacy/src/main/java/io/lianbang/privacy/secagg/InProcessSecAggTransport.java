package io.lianbang.privacy.secagg;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SecAggTransport} to participants in the same JVM, as in a simulation: each request runs
 * on the caller's executor against the named client's {@link SecAggParticipant}. The server side
 * still only sees the response messages.
 */
public final class InProcessSecAggTransport implements SecAggTransport {
  private final Map<String, SecAggParticipant> participants;
  private final Executor executor;

  /** Routes to {@code participants} by client id; calls run on {@code executor}. */
  public InProcessSecAggTransport(Map<String, SecAggParticipant> participants, Executor executor) {
    this.participants = Map.copyOf(participants);
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  @Override
  public CompletableFuture<SecAggMessage> send(String clientId, SecAggMessage request, Instant deadline) {
    SecAggParticipant p = participants.get(clientId);
    if (p == null) return CompletableFuture.failedFuture(new SecAggException(SecAggException.Kind.UNREACHABLE, "no participant " + clientId));
    long nanos = Math.max(0, Duration.between(Instant.now(), deadline).toNanos());
    return CompletableFuture.supplyAsync(() -> p.respond(request), executor).orTimeout(nanos, TimeUnit.NANOSECONDS);
  }
}
