package io.lianbang.cli.dashboard;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianbang.cli.run.RoundParticipants;
import io.lianbang.cli.run.RoundPrinter;
import io.lianbang.cli.run.RunRecorder;
import io.lianbang.core.federation.RoundListener;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.grpc.server.ClientSnapshot;
import io.lianbang.store.Participant;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The run of this process, as the dashboard shows it: fed by the round loop as rounds complete,
 * it is the only run listed (id {@value #ID}), and those waiting for its next round are woken as
 * soon as it completes.
 */
public final class LiveRun implements RoundListener, DashboardData {
  /** The id the live run has on the page. */
  public static final long ID = 1;

  private final String name;
  private final String kind;
  private final int roundsPlanned;
  private final String startedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  private final List<ObjectNode> rounds = new ArrayList<>();
  private final ClientTable clients = new ClientTable();
  private final RoundParticipants participants = new RoundParticipants();
  private final Supplier<List<ClientSnapshot>> connections;
  private String status = "running";

  /**
   * @param name the run's name
   * @param kind what started it ({@code simulate}, {@code server})
   * @param roundsPlanned the rounds it is to run
   */
  public LiveRun(String name, String kind, int roundsPlanned) {
    this(name, kind, roundsPlanned, null);
  }

  /**
   * A run of remote clients: its clients table also shows, per client, whether it is connected,
   * when it was last heard from and the bytes of its task calls, as {@code connections} says when
   * the page asks ({@link io.lianbang.grpc.server.FederationServer#clientSnapshot}).
   *
   * @param connections the server's clients now, or null for a run without remote clients
   */
  public LiveRun(String name, String kind, int roundsPlanned, Supplier<List<ClientSnapshot>> connections) {
    this.name = name;
    this.kind = kind;
    this.roundsPlanned = roundsPlanned;
    this.connections = connections;
  }

  @Override
  public synchronized void roundStarted(int round, int rounds, int sampled) {
    participants.start();
  }

  @Override
  public synchronized void clientFinished(int round, String clientId, boolean succeeded) {
    participants.finished(clientId, succeeded);
  }

  @Override
  public synchronized void roundCompleted(RoundRecord record, int rounds) {
    List<Participant> round = participants.complete(record);
    round.forEach(clients::add);
    double epsilon = record.fitMetrics().get(RoundPrinter.DP_EPSILON).orElse(Double.NaN);
    this.rounds.add(DashboardJson.round(RunRecorder.row(record), epsilon));
    notifyAll();
  }

  /** Records that the run ended: after its last round if {@code succeeded}, with an error otherwise. */
  public synchronized void ended(boolean succeeded) {
    status = succeeded ? "finished" : "failed";
    notifyAll();
  }

  @Override
  public synchronized ArrayNode runs() {
    ArrayNode all = JsonNodeFactory.instance.arrayNode();
    all.add(summary());
    return all;
  }

  @Override
  public Optional<ObjectNode> run(long id) {
    if (id != ID) return Optional.empty();
    List<ClientSnapshot> connected = connections == null ? null : connections.get();
    synchronized (this) {
      return Optional.of(document(connected));
    }
  }

  private ObjectNode document(List<ClientSnapshot> connected) {
    ObjectNode doc = JsonNodeFactory.instance.objectNode();
    doc.set("run", summary());
    doc.set("rounds", JsonNodeFactory.instance.arrayNode().addAll(rounds.stream().map(ObjectNode::deepCopy).toList()));
    doc.set("clients", connected == null ? clients.json() : clients.json(connected));
    return doc;
  }

  @Override
  public synchronized List<ObjectNode> roundsAfter(long id, int after, Duration wait) throws InterruptedException {
    if (id != ID) return List.of();
    long end = System.nanoTime() + wait.toNanos();
    while (true) {
      List<ObjectNode> next = rounds.stream().filter(r -> r.get("round").asInt() > after).map(ObjectNode::deepCopy).toList();
      long left = end - System.nanoTime();
      if (!next.isEmpty() || left <= 0 || !status.equals("running")) return next;
      wait(Math.max(1, left / 1_000_000));
    }
  }

  @Override
  public synchronized boolean over(long id) {
    return id != ID || !status.equals("running");
  }

  private ObjectNode summary() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("id", ID);
    n.put("name", name);
    n.put("kind", kind);
    n.put("status", status);
    n.put("live", true);
    n.put("started_at", startedAt);
    n.put("rounds_planned", roundsPlanned);
    ObjectNode last = rounds.isEmpty() ? null : rounds.get(rounds.size() - 1);
    n.put("rounds_done", last == null ? 0 : last.get("round").asInt());
    double accuracy = Double.NaN;
    for (ObjectNode r : rounds) if (!r.get("test_accuracy").isNull()) accuracy = r.get("test_accuracy").asDouble();
    DashboardJson.number(n, "final_accuracy", accuracy);
    n.put("uplink_bytes", last == null ? 0 : last.get("total_uplink_bytes").asLong());
    n.put("downlink_bytes", last == null ? 0 : last.get("total_downlink_bytes").asLong());
    return n;
  }
}
