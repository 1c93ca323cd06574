package io.lianbang.privacy.paillier;

import java.util.List;
import java.util.Map;

/**
 * One round of Paillier aggregation as the server saw it: whose ciphertexts went into the sum,
 * who was left out and why, and the ciphertext bytes each client sent.
 *
 * @param round the round
 * @param contributors clients whose encrypted contributions are in the sum
 * @param dropped clients that trained but whose contributions are not in the sum, with the cause
 * @param bytesUp ciphertext bytes each contributor sent
 * @param released whether the key holder released the weighted mean
 */
public record PaillierRound(int round, List<String> contributors, Map<String, String> dropped, Map<String, Long> bytesUp,
                            boolean released) {
  public PaillierRound {
    contributors = List.copyOf(contributors);
    dropped = Map.copyOf(dropped);
    bytesUp = Map.copyOf(bytesUp);
  }
}
