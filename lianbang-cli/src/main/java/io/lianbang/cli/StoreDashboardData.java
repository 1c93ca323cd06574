package io.lianbang.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianbang.cli.dashboard.ClientTable;
import io.lianbang.cli.dashboard.DashboardData;
import io.lianbang.cli.dashboard.DashboardJson;
import io.lianbang.store.Participant;
import io.lianbang.store.RoundRow;
import io.lianbang.store.RunStatus;
import io.lianbang.store.RunStore;
import io.lianbang.store.StoredRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The dashboard's view of a run store (none if it does not exist yet): its runs as {@code runs
 * list --json} shows them, a run's rounds and the clients that took part. A run that is still going
 * is followed live: its new rounds are read from the store every {@value #POLL_MILLIS} ms.
 */
final class StoreDashboardData implements DashboardData {
  /** How often a live run's rounds are read from the store, in milliseconds. */
  static final long POLL_MILLIS = 500;

  private final RunStore store;

  StoreDashboardData(RunStore store) {
    this.store = store;
  }

  @Override
  public ArrayNode runs() {
    ArrayNode all = JsonNodeFactory.instance.arrayNode();
    if (store == null) return all;
    for (StoredRun r : store.runs()) {
      ObjectNode n = RunsCommand.summary(r);
      n.remove(List.of("config_yaml", "environment", "environment_json"));
      all.add(n);
    }
    return all;
  }

  @Override
  public Optional<ObjectNode> run(long id) {
    if (store == null) return Optional.empty();
    return store.run(id).map(r -> {
      ObjectNode doc = JsonNodeFactory.instance.objectNode();
      doc.set("run", RunsCommand.summary(r));
      ArrayNode rounds = doc.putArray("rounds");
      for (RoundRow row : store.rounds(id)) rounds.add(DashboardJson.round(row, Double.NaN));
      ClientTable clients = new ClientTable();
      for (Participant p : store.participants(id)) clients.add(p);
      doc.set("clients", clients.json());
      return doc;
    });
  }

  @Override
  public List<ObjectNode> roundsAfter(long id, int after, Duration wait) throws InterruptedException {
    long end = System.nanoTime() + wait.toNanos();
    while (store != null) {
      List<ObjectNode> next = new ArrayList<>();
      for (RoundRow row : store.rounds(id)) if (row.round() > after) next.add(DashboardJson.round(row, Double.NaN));
      long left = end - System.nanoTime();
      if (!next.isEmpty() || left <= 0) return next;
      Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, left / 1_000_000)));
    }
    return List.of();
  }

  @Override
  public boolean over(long id) {
    return store == null || store.run(id).map(r -> r.status() != RunStatus.RUNNING).orElse(true);
  }
}
