package io.lianbang.cli.run;

import io.lianbang.core.federation.History;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.strategy.ClientFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What went wrong in a run, client by client, for the end of a server's output: how many of the
 * rounds each failing client failed, and why it failed first. A client dropped every round (a
 * wrong model, a broken data file) is visible at once instead of hiding behind a run that
 * "succeeds" with the others.
 */
public final class FailureSummary {
  private FailureSummary() {}

  private static final class Tally {
    int count;
    ClientFailure first;
  }

  /** One line per client that failed at least once, in client order; empty if none did. */
  public static List<String> lines(History history) {
    Map<String, Tally> byClient = new TreeMap<>();
    int rounds = 0;
    for (RoundRecord r : history.rounds()) {
      if (r.round() == 0) continue;
      rounds++;
      for (ClientFailure f : r.failures()) {
        Tally t = byClient.computeIfAbsent(f.clientId(), k -> new Tally());
        t.count++;
        if (t.first == null) t.first = f;
      }
    }
    List<String> out = new ArrayList<>();
    int total = rounds;
    byClient.forEach((id, t) -> out.add(String.format(Locale.ROOT, "client %s failed in %d of %d rounds; first: %s: %s", id,
        t.count, total, t.first.kind().name().toLowerCase(Locale.ROOT), t.first.message())));
    return out;
  }

  /** True if no round of the run changed the model. */
  public static boolean neverUpdated(History history) {
    return history.rounds().stream().noneMatch(r -> r.round() > 0 && r.updated());
  }
}
