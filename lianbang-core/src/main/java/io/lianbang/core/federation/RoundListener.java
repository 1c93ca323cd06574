package io.lianbang.core.federation;

/** Observes a federation's progress, e.g. to draw a progress bar. Called from the round loop's thread. */
public interface RoundListener {
  /** A round is starting with {@code sampled} clients. */
  default void roundStarted(int round, int rounds, int sampled) {}

  /** One sampled client finished (or failed) training in {@code round}. */
  default void clientFinished(int round, String clientId, boolean succeeded) {}

  /** A round (or the round-0 evaluation) is complete. */
  default void roundCompleted(RoundRecord record, int rounds) {}
}
