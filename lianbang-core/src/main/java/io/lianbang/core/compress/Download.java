package io.lianbang.core.compress;

import io.lianbang.core.tensor.Parameters;
import java.util.Objects;
import java.util.Optional;

/**
 * One round's broadcast, as {@link Broadcast} prepared it: the model every client of the round
 * starts from, and its encoding.
 *
 * @param start the model clients start from: what they decode (bit for bit) from {@code encoded}
 * @param encoded the encoding sent instead of {@code start} as float32, or null to send {@code start} as float32
 * @param baseRound 0 if {@code encoded} encodes {@code start} itself; otherwise the round whose
 *     start {@code encoded} is the difference to: only a client holding that model can use it
 */
public record Download(Parameters start, EncodedTensors encoded, int baseRound) {
  public Download {
    Objects.requireNonNull(start, "start");
    if (baseRound < 0) throw new IllegalArgumentException("base round must be >= 0, got " + baseRound);
    if (encoded == null && baseRound != 0) throw new IllegalArgumentException("a float32 download has no base round");
  }

  /** The encoding for a client that holds the start of round {@code held} (0: none), if it can use one. */
  public Optional<EncodedTensors> encodingFor(int held) {
    return encoded != null && (baseRound == 0 || baseRound == held) ? Optional.of(encoded) : Optional.empty();
  }
}
