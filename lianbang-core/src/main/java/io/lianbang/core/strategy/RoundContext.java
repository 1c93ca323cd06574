package io.lianbang.core.strategy;

import io.lianbang.core.tensor.Parameters;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * One round of training as {@link Strategy#beginFit} sees it: everything the aggregation may
 * depend on besides the results, so that a strategy (or a decorator) needs no per-round state of
 * its own between {@link Strategy#configureFit} and {@link Strategy#beginFit}.
 *
 * <p>The federation derives {@code random} from the run seed and the round with
 * {@link io.lianbang.core.random.Seeds#random Seeds.random(seed, "aggregate-fit", round)}, a
 * stream independent of the sampling generator ({@code "sample-fit"}), so the round's aggregation
 * randomness (a secure-aggregation graph, for instance) is a pure function of the run seed and the
 * round. A decorator that draws from it before handing the context to the wrapped strategy does so
 * in a fixed order, which keeps the run reproducible.
 *
 * @param round the round, from 1
 * @param global the global model the round's clients start from
 * @param available the ids of the connected clients the round was configured with, sorted; held
 *     as given, not copied (a simulation's may be 100,000 ids computed on demand), so the caller
 *     passes a list that does not change, as {@link io.lianbang.core.federation.ClientPool#available()}
 *     returns
 * @param instructions what {@link Strategy#configureFit} returned for the round: the clients asked
 *     to train and what each was sent (empty if the strategy sampled nobody)
 * @param random the round's own random source
 */
public record RoundContext(int round, Parameters global, List<String> available, List<ClientInstruction> instructions,
                           SplittableRandom random) {
  /** The label of the {@link io.lianbang.core.random.Seeds} stream of {@link #random}. */
  public static final String RANDOM_LABEL = "aggregate-fit";

  public RoundContext {
    Objects.requireNonNull(global, "global");
    Objects.requireNonNull(random, "random");
    available = Collections.unmodifiableList(Objects.requireNonNull(available, "available"));
    instructions = List.copyOf(instructions);
  }
}
