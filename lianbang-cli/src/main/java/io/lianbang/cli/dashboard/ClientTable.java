package io.lianbang.cli.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianbang.grpc.server.ClientSnapshot;
import io.lianbang.store.Participant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The clients of a run, from the clients that took part in its rounds: per client the rounds it
 * took part in, the last of them, how many it failed and why it last failed; for a run of remote
 * clients, also their connections ({@link #json(List)}).
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
    rows.forEach((id, r) -> row(all.addObject(), id, r));
    return all;
  }

  /**
   * The rows of {@link #json()} for the clients of the rounds and those of {@code connections}
   * (with no rounds yet if they took part in none), by client id; each also has
   * {@code connected}, {@code last_heartbeat} (ISO-8601, to the millisecond), {@code uplink_bytes}
   * and {@code downlink_bytes}, from {@code connections} (false, null, 0 and 0 for a client not in
   * it).
   */
  public ArrayNode json(List<ClientSnapshot> connections) {
    Map<String, ClientSnapshot> byId = new TreeMap<>();
    for (ClientSnapshot c : connections) byId.put(c.id(), c);
    Set<String> ids = new TreeSet<>(rows.keySet());
    ids.addAll(byId.keySet());
    ArrayNode all = JsonNodeFactory.instance.arrayNode();
    for (String id : ids) {
      ObjectNode n = all.addObject();
      row(n, id, rows.getOrDefault(id, new Row()));
      ClientSnapshot c = byId.get(id);
      n.put("connected", c != null && c.connected());
      if (c == null) n.putNull("last_heartbeat");
      else n.put("last_heartbeat", c.lastSeen().truncatedTo(ChronoUnit.MILLIS).toString());
      n.put("uplink_bytes", c == null ? 0 : c.uplinkBytes());
      n.put("downlink_bytes", c == null ? 0 : c.downlinkBytes());
    }
    return all;
  }

  private static void row(ObjectNode n, String id, Row r) {
    n.put("client_id", id);
    n.put("rounds", r.rounds);
    n.put("last_round", r.lastRound);
    n.put("failures", r.failures);
    if (r.lastFailure == null) n.putNull("last_failure");
    else n.put("last_failure", r.lastFailure);
  }
}
