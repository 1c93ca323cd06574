package io.lianbang.cli.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianbang.store.Participant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The clients of a run, from the clients that took part in its rounds: per client the rounds it
 * took part in, the last of them, how many it failed and why it last failed.
 */
public final class ClientTable {
  private static final class Row {
    int rounds;
    int failures;
    int lastRound;
    String lastFailure;
  }

  private final Map<String, Row> rows = new TreeMap<>();

  /** Counts one client's part in one round. */
  public void add(Participant p) {
    Row r = rows.computeIfAbsent(p.clientId(), k -> new Row());
    r.rounds++;
    r.lastRound = Math.max(r.lastRound, p.round());
    if (!p.succeeded()) {
      r.failures++;
      if (p.reason() != null) r.lastFailure = p.reason();
    }
  }

  /** The rows by client id: {@code client_id}, {@code rounds}, {@code last_round}, {@code failures}, {@code last_failure}. */
  public ArrayNode json() {
    ArrayNode all = JsonNodeFactory.instance.arrayNode();
    rows.forEach((id, r) -> {
      ObjectNode n = all.addObject();
      n.put("client_id", id);
      n.put("rounds", r.rounds);
      n.put("last_round", r.lastRound);
      n.put("failures", r.failures);
      if (r.lastFailure == null) n.putNull("last_failure");
      else n.put("last_failure", r.lastFailure);
    });
    return all;
  }
}
