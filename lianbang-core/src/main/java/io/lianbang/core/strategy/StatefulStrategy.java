package io.lianbang.core.strategy;

/**
 * A strategy that keeps state across rounds (a server optimizer's moments, a control variate, a
 * reputation table) and can save it into a checkpoint and restore it after a crash.
 *
 * <p>The federation calls {@link #exportState} after every completed round and
 * {@link #importState} once, instead of {@link Strategy#initialize}, when it resumes a run. A
 * stateless strategy (such as {@link FedAvg}) does not implement this interface, and a decorator
 * ({@link ForwardingStrategy}) passes its delegate's state through.
 *
 * <p>An implementation provides its state as a {@link StrategyState} ({@link #state()} and
 * {@link #restore}) and documents the layout of its tensors; the checkpoint form is
 * {@link StrategyState#toBytes()}.
 */
public interface StatefulStrategy extends Strategy {
  /** The state after the last completed round (each strategy documents its layout). */
  StrategyState state();

  /** Replaces the state with one {@link #state()} returned. */
  void restore(StrategyState state);

  /** The state after the last completed round, as {@link StrategyState#toBytes()}. */
  @Override
  default byte[] exportState() {
    return state().toBytes();
  }

  /**
   * Restores the state {@link #exportState} produced.
   *
   * @throws IllegalArgumentException if {@code state} is not a state this strategy wrote
   */
  @Override
  default void importState(byte[] state) {
    restore(StrategyState.fromBytes(state));
  }
}
