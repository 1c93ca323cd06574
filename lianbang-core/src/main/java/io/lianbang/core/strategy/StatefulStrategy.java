package io.lianbang.core.strategy;

/**
 * A strategy that keeps state across rounds (a server optimizer's moments, a control variate, a
 * reputation table) and can save it into a checkpoint and restore it after a crash.
 *
 * <p>The federation calls {@link #exportState} after every completed round and
 * {@link #importState} once, instead of {@link Strategy#initialize}, when it resumes a run. A
 * stateless strategy (such as {@link FedAvg}) does not implement this interface.
 */
public interface StatefulStrategy extends Strategy {
  /** The state after the last completed round, in a format of the strategy's choosing. */
  byte[] exportState();

  /**
   * Restores the state {@link #exportState} produced.
   *
   * @throws IllegalArgumentException if {@code state} is not a state this strategy wrote
   */
  void importState(byte[] state);
}
