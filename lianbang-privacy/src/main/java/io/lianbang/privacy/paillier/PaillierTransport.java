package io.lianbang.privacy.paillier;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Carries a client's encrypted contribution of a round to the server. In a simulation the
 * {@link PaillierClient} is in the same JVM ({@link InProcessPaillierTransport}).
 *
 * <p>The future completes with the ciphertext vector, or exceptionally (a
 * {@link java.util.concurrent.TimeoutException} once {@code deadline} passes, or the client's
 * error); the server then leaves the client out of the sum.
 */
public interface PaillierTransport {
  /**
   * Fetches {@code clientId}'s encrypted contribution to {@code round}, a vector of
   * {@code length} ciphertexts (the model's value count + 2).
   */
  CompletableFuture<EncryptedVector> collect(String clientId, int round, int length, Instant deadline);
}
