package io.lianbang.core.federation;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a run logs what goes wrong with its clients: a client's first failure in the run and the
 * first few of each round's phase as warnings, the rest at debug level (a large federation may fail
 * hundreds at once; every failure is in the round record); likewise a client's first clipped
 * example count (every clip is counted in the round's metrics). Thread-safe.
 */
final class FailureLog {
  private static final Logger log = LoggerFactory.getLogger(Federation.class);
  /** Failures per round and phase logged as warnings. */
  static final int PER_PHASE = 5;

  private final Set<String> warned = ConcurrentHashMap.newKeySet();
  private final Set<String> warnedClipped = ConcurrentHashMap.newKeySet();

  /** Logs the {@code index}-th failure (from 0) of a round's phase, that of {@code clientId}. */
  void failure(int round, int index, String clientId, String text) {
    if (warned.add(clientId) || index < PER_PHASE) {
      log.warn("round {}: {}", round, text);
    } else {
      log.debug("round {}: {}", round, text);
    }
  }

  /** Ends a phase that had {@code count} failures: says how many were logged at debug level. */
  void phaseEnded(int round, int count) {
    if (count > PER_PHASE) {
      log.warn("round {}: {} more client failures, logged at debug level; every failure is in the round record",
          round, count - PER_PHASE);
    }
  }

  /** Logs that {@code clientId}'s claim of {@code claimed} examples was clipped to {@code limit}. */
  void clipped(int round, String clientId, long claimed, long limit) {
    if (warnedClipped.add(clientId)) {
      log.warn("round {}: client {} claimed {} examples, more than the limit of {}; its weight is clipped to the limit "
          + "(further clips of this client are logged at debug level and counted as {})", round, clientId, claimed, limit,
          Federation.CLIPPED_METRIC);
    } else {
      log.debug("round {}: clipped the {} examples claimed by client {} to {}", round, claimed, clientId, limit);
    }
  }
}
