package io.lianbang.core.federation;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a run logs client failures: a client's first failure in the run and the first few of each
 * round's phase as warnings, the rest at debug level (a large federation may fail hundreds at
 * once; every failure is in the round record). Thread-safe.
 */
final class FailureLog {
  private static final Logger log = LoggerFactory.getLogger(Federation.class);
  /** Failures per round and phase logged as warnings. */
  static final int PER_PHASE = 5;

  private final Set<String> warned = ConcurrentHashMap.newKeySet();

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
}
