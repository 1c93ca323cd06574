package io.lianbang.core.strategy;

/**
 * A strategy with server-side state across rounds. {@link #state()} and {@link #restore} are
 * inverses: a strategy restored from another's state continues exactly as the other would.
 */
public interface StatefulStrategy extends Strategy {
  /** The current state (a snapshot). */
  StrategyState state();

  /**
   * Replaces the state with {@code state}.
   *
   * @throws IllegalArgumentException if the state does not have this strategy's layout
   */
  void restore(StrategyState state);
}
