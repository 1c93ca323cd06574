package io.lianbang.grpc.server;

import io.lianbang.privacy.secagg.SecAggCodec;
import io.lianbang.privacy.secagg.SecAggException;
import io.lianbang.privacy.secagg.SecAggMessage;
import io.lianbang.privacy.secagg.SecAggTransport;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link SecAggTransport} over a {@link FederationServer}'s registered clients. Clients only
 * dial out: each stage request becomes a task the client picks up with {@code GetTask} (a
 * {@code SecAggInstruction} carrying the request in the SecAgg binary encoding of
 * {@link SecAggCodec}) and answers with {@code SubmitSecAgg}. Messages between participants are
 * routed through the server, which thereby sees only what {@link
 * io.lianbang.privacy.secagg.SecAggServer} sees anyway: public keys, share ciphertexts it cannot
 * read, masked vectors and the shares needed for unmasking.
 *
 * <p>Every request carries the stage's deadline: the future fails at that time (the participant
 * counts as dropped from the stage), at once when the client's session ends (it disconnected or
 * went silent for three heartbeat intervals), or when the client reports an error or sends a
 * reply the server refuses (see {@code FederationService#submitSecAgg}). Thread-safe.
 */
public final class GrpcSecAggTransport implements SecAggTransport {
  private final GrpcClientPool pool;
  /** The participant index each client was given by its latest Setup: {round, index}. */
  private final Map<String, int[]> participants = new ConcurrentHashMap<>();

  GrpcSecAggTransport(GrpcClientPool pool) {
    this.pool = pool;
  }

  @Override
  public CompletableFuture<SecAggMessage> send(String clientId, SecAggMessage request, Instant deadline) {
    if (!SecAggCodec.isRequest(request)) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(request.getClass().getSimpleName() + " is not a stage request"));
    }
    int participant;
    if (request instanceof SecAggMessage.Setup s) {
      participant = s.self();
      participants.put(clientId, new int[] {s.round(), participant});
    } else {
      int[] p = participants.get(clientId);
      if (p == null || p[0] != request.round()) {
        return CompletableFuture.failedFuture(new SecAggException(SecAggException.Kind.PROTOCOL, "client " + clientId + " has no setup for round " + request.round()));
      }
      participant = p[1];
    }
    PendingTask pending = new PendingTask.SecAgg(PendingTask.newId(request.round(), PendingTask.Kind.SECAGG), request.round(),
        SecAggCodec.encode(request), SecAggCodec.responseType(request), participant, deadline);
    return pool.send(clientId, pending, SecAggMessage.class);
  }
}
