package io.lianbang.core.strategy;

import io.lianbang.core.task.EvalResult;
import io.lianbang.core.tensor.Parameters;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The server-side algorithm of a federation: whom to ask, what to send, and how to combine what
 * comes back. A strategy is data-in, data-out; it never talks to clients itself, so the same
 * strategy runs in a simulation and in a deployment.
 *
 * <p>Call order per run: {@link #initialize} once; then for each round {@code r = 1, 2, ...}:
 * {@link #configureFit}, {@link #beginFit} (fed with results, then completed with the
 * failures), {@link #evaluate} (centralized), {@link #configureEvaluate} and, if it asked anyone,
 * {@link #aggregateEvaluate}. All calls come from one thread.
 *
 * <p>Randomness comes only from the {@code rng} arguments and {@link RoundContext#random()},
 * which the federation derives from the run seed and the round.
 */
public interface Strategy {
  /** Receives the initial global model and returns the model to start round 1 from. */
  default Parameters initialize(Parameters initial) {
    return initial;
  }

  /** The number of connected clients the strategy needs before a round can start. */
  int minAvailableClients();

  /**
   * Chooses the clients that train in {@code round} and what each receives.
   *
   * @param available the ids of the connected clients, sorted
   */
  List<ClientInstruction> configureFit(int round, Parameters global, List<String> available, SplittableRandom rng);

  /**
   * Starts aggregating the results of {@code context.round()}, whose clients started from
   * {@code context.global()} after {@link #configureFit} returned {@code context.instructions()}.
   */
  FitAggregation beginFit(RoundContext context);

  /** Chooses the clients that evaluate the global model after {@code round}; may be empty. */
  List<ClientInstruction> configureEvaluate(int round, Parameters global, List<String> available, SplittableRandom rng);

  /** Combines federated evaluation results, sorted by client id. */
  Optional<EvalResult> aggregateEvaluate(int round, List<ClientResult<EvalResult>> results, List<ClientFailure> failures);

  /** Evaluates the global model on the server's own data, if it has any. */
  Optional<EvalResult> evaluate(int round, Parameters global);

  /**
   * The weighted-mean capability, which a strategy opts into explicitly: true if the round's
   * aggregate depends on the results only through their example-weighted mean, possibly followed
   * by a server-side update such as a server optimizer step. Privacy
   * decorators (secure aggregation, client-side differential privacy) compute that mean
   * themselves and hand it to {@link #beginFit} as one result whose example count is the total
   * weight; the outcome must then be what it would have been for the individual results with
   * that mean. Strategies that need every individual update (median, trimmed mean, Krum) or
   * other weights (FedNova, q-FedAvg, SCAFFOLD's control variates) return false, the default.
   * The decorators check it with {@link WeightedMean#require}.
   */
  default boolean aggregatesWeightedMean() {
    return false;
  }

  /**
   * Whether the aggregation {@link #beginFit} returns folds an edge aggregator's exact partial sum
   * ({@link io.lianbang.core.task.FitResult#partialSum()}) in exactly, so that hierarchical
   * aggregation gives the flat run's model bit for bit. The federation refuses partial sums from
   * edges otherwise. False by default, and decorators do not forward it: one that aggregates on
   * its own (differential privacy, norm bounding) would treat an edge's sum as one client.
   */
  default boolean foldsPartialSums() {
    return false;
  }

  /**
   * The state the strategy keeps across rounds, for a checkpoint written after every completed
   * round; empty for a stateless strategy (the default). See {@link StatefulStrategy}.
   */
  default byte[] exportState() {
    return new byte[0];
  }

  /**
   * Restores what {@link #exportState} returned, when a run resumes from a checkpoint.
   *
   * @throws IllegalArgumentException if {@code state} is not a state this strategy wrote (the
   *     default accepts only the empty state)
   */
  default void importState(byte[] state) {
    if (state.length > 0) {
      throw new IllegalArgumentException("the checkpoint holds strategy state but " + this + " keeps none");
    }
  }
}
