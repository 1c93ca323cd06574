package io.lianbang.core.federation;

import io.lianbang.core.tensor.Parameters;
import io.lianbang.core.text.Abbreviation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The state of a federation after a completed round: everything the round loop needs to continue
 * as if it had never stopped. Random choices need no saved generator state because each derives
 * from (seed, round, client) through {@link io.lianbang.core.random.Seeds}.
 *
 * @param seed the run seed; a resumed run must use the same one
 * @param rounds the total number of rounds of the run
 * @param round the last completed round (0 if only the initial model was evaluated)
 * @param parameters the global model after {@code round}
 * @param history the records of rounds 0..{@code round}
 * @param strategyState the strategy's exported state, empty for a stateless strategy
 * @param run the description of the run (setting name to canonical value, sorted by name) that a
 *     resumed run must match, e.g. {@code model -> logistic:30}; empty if the caller gave none
 * @param broadcastRound with a delta broadcast, the round whose start the next round's difference
 *     is to ({@link io.lianbang.core.compress.Broadcast}); 0 for none
 * @param broadcastStart that round's start, or null when {@code broadcastRound} is 0
 */
public record Checkpoint(long seed, int rounds, int round, Parameters parameters, History history, byte[] strategyState,
    SortedMap<String, String> run, int broadcastRound, Parameters broadcastStart) {
  public Checkpoint {
    if (broadcastRound < 0 || (broadcastRound == 0) != (broadcastStart == null)) {
      throw new IllegalArgumentException("a broadcast start goes with a broadcast round >= 1, got round " + broadcastRound
          + (broadcastStart == null ? " without a start" : " with a start"));
    }
    Objects.requireNonNull(parameters, "parameters");
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(strategyState, "strategyState");
    if (round < 0 || round > rounds) {
      throw new IllegalArgumentException("checkpoint round must be in [0, " + rounds + "], got " + round);
    }
    strategyState = strategyState.clone();
    run = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(run, "run")));
  }

  /** A checkpoint without a broadcast. */
  public Checkpoint(long seed, int rounds, int round, Parameters parameters, History history, byte[] strategyState,
      SortedMap<String, String> run) {
    this(seed, rounds, round, parameters, history, strategyState, run, 0, null);
  }

  /** A checkpoint without a run description. */
  public Checkpoint(long seed, int rounds, int round, Parameters parameters, History history, byte[] strategyState) {
    this(seed, rounds, round, parameters, history, strategyState, new TreeMap<>());
  }

  @Override
  public byte[] strategyState() {
    return strategyState.clone();
  }

  /** Whether every round of the run is done. */
  public boolean complete() {
    return round == rounds;
  }

  /**
   * How {@code other}, the description of another run, differs from this checkpoint's: one entry
   * per differing setting, {@code "name: VALUE in the checkpoint, OTHER now"}, sorted by name;
   * empty if they match.
   */
  public List<String> differences(Map<String, String> other) {
    TreeSet<String> names = new TreeSet<>(run.keySet());
    names.addAll(other.keySet());
    List<String> out = new ArrayList<>();
    for (String name : names) {
      String was = run.get(name);
      String now = other.get(name);
      if (!Objects.equals(was, now)) {
        out.add(name + ": " + (was == null ? "unset" : Abbreviation.abbreviate(was)) + " in the checkpoint, "
            + (now == null ? "unset" : Abbreviation.abbreviate(now)) + " now");
      }
    }
    return out;
  }
}
