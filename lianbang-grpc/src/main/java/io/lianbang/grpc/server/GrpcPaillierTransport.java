package io.lianbang.grpc.server;

import io.lianbang.privacy.paillier.EncryptedVector;
import io.lianbang.privacy.paillier.PaillierPublicKey;
import io.lianbang.privacy.paillier.PaillierTransport;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link PaillierTransport} over a {@link FederationServer}'s registered clients: each request
 * becomes a task the client picks up with {@code GetTask} (a {@code PaillierInstruction} carrying
 * the key holder's public key, which the server relays, and the number of ciphertexts), answered
 * with {@code SubmitEncrypted} parts (see {@code FederationService#submitEncrypted}). The future
 * fails at the deadline, at once when the client's session ends, or when the client reports an
 * error or sends a part the server refuses. Thread-safe.
 */
public final class GrpcPaillierTransport implements PaillierTransport {
  private final GrpcClientPool pool;
  private final PaillierPublicKey key;

  GrpcPaillierTransport(GrpcClientPool pool, PaillierPublicKey key) {
    this.pool = pool;
    this.key = Objects.requireNonNull(key, "key");
  }

  @Override
  public CompletableFuture<EncryptedVector> collect(String clientId, int round, int length, Instant deadline) {
    if (length < 1) return CompletableFuture.failedFuture(new IllegalArgumentException("length must be >= 1, got " + length));
    PendingTask pending = new PendingTask.Paillier(PendingTask.newId(round, PendingTask.Kind.PAILLIER), round, key, length, deadline);
    return pool.send(clientId, pending, EncryptedVector.class);
  }
}
