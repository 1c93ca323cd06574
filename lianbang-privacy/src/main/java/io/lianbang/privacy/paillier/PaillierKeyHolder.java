package io.lianbang.privacy.paillier;

/**
 * The party that holds the Paillier private key in the Paillier aggregation mode
 * ({@link PaillierAggregation}). It is not the server: clients encrypt under its
 * {@link #publicKey()}, the server adds the ciphertexts, and the key holder receives only the
 * aggregated ciphertext of each round and returns the weighted mean it encrypts.
 *
 * <p>Threat model: the server is honest but curious and does not collude with the key holder.
 * A key holder must release at most one aggregate per round and refuse aggregates of too few
 * contributions, so that a server following the protocol cannot ask it to decrypt one client's
 * update on its own. (A malicious server could still encrypt fake contributions under the public
 * key; Paillier aggregation alone does not defend against that.)
 */
public interface PaillierKeyHolder {
  /** The key clients encrypt their updates under. */
  PaillierPublicKey publicKey();

  /**
   * Decrypts one round's aggregate, laid out as {@link PaillierClient} encrypts a contribution
   * (Σ w·Δ entry by entry, then Σ w, then the number of contributions).
   *
   * @throws IllegalStateException if an aggregate of this round (or a later one) was already
   *     released, or the aggregate sums fewer contributions than the key holder's minimum
   * @throws IllegalArgumentException if the aggregate has the wrong key or layout
   */
  WeightedMean decryptMean(int round, EncryptedVector aggregate);

  /**
   * What the key holder releases for a round.
   *
   * @param meanUpdate Σ w_u·Δ_u / Σ w_u
   * @param totalWeight Σ w_u (the total number of examples for FedAvg weights)
   * @param contributions the number of client updates in the sum
   */
  record WeightedMean(double[] meanUpdate, double totalWeight, long contributions) {}
}
