package io.lianbang.core.federation;

import java.util.ArrayList;
import java.util.List;

/** The ordered records of a run, one per round (plus round 0 when the initial model was evaluated). */
public record History(List<RoundRecord> rounds) {
  public History {
    rounds = List.copyOf(rounds);
  }

  /** The last record, or null if no round ran. */
  public RoundRecord last() {
    return rounds.isEmpty() ? null : rounds.get(rounds.size() - 1);
  }

  /** The records with durations and byte counts zeroed, for comparing runs (see {@link RoundRecord#withoutTiming()}). */
  public History withoutTiming() {
    List<RoundRecord> out = new ArrayList<>();
    for (RoundRecord r : rounds) out.add(r.withoutTiming());
    return new History(out);
  }
}
