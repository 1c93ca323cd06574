package io.lianbang.vertical.psi;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one party learned from a PSI run, and what it cost.
 *
 * @param role {@code "sender"} or {@code "receiver"}
 * @param ownIds the number of this party's ids
 * @param peerIds the number of ids the peer announced
 * @param intersection the common ids in ascending {@link String#compareTo} order (the same list on
 *     both sides), or null if this party did not learn it (a sender under {@link PsiReveal#NONE} or
 *     {@link PsiReveal#SIZE})
 * @param size the intersection's size, or -1 if this party did not learn it (a sender under {@link PsiReveal#NONE})
 * @param phases wall time per phase, in the order run
 * @param bytesSent payload bytes this party sent in the run
 * @param bytesReceived payload bytes this party received in the run
 */
public record PsiResult(String role, int ownIds, int peerIds, List<String> intersection, int size, Map<String, Duration> phases,
    long bytesSent, long bytesReceived) {
  /** Copies the lists. */
  public PsiResult {
    intersection = intersection == null ? null : List.copyOf(intersection);
    phases = Collections.unmodifiableMap(new LinkedHashMap<>(phases));
  }

  /** The sum of the phase times. */
  public Duration total() {
    return phases.values().stream().reduce(Duration.ZERO, Duration::plus);
  }
}
