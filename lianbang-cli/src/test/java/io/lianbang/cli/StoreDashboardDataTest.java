package io.lianbang.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianbang.cli.dashboard.DashboardServer;
import io.lianbang.store.NewRun;
import io.lianbang.store.Participant;
import io.lianbang.store.RoundRow;
import io.lianbang.store.RunStatus;
import io.lianbang.store.RunStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lianbang dashboard}'s data: the runs of a real SQLite store, served over loopback. */
class StoreDashboardDataTest {
  @TempDir
  Path tmp;

  private static RoundRow row(int round, double accuracy) {
    return new RoundRow(round, 2, 2, 0, true, 0.5, 0.4, accuracy, Double.NaN, Double.NaN, 0.1, 100, 50, 100L * round, 50L * round);
  }

  private static String get(int port, String path) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void servesTheStoresRunsAndFollowsARunningOneUntilItEnds() throws Exception {
    try (RunStore store = RunStore.open("jdbc:sqlite:" + tmp.resolve("runs.db"))) {
      long id = store.start(new NewRun("stored", "simulate", 2, "name: stored\n", "0.1.0", null, "17", "scalar", null, null));
      store.recordRound(id, row(1, 0.8), List.of(new Participant(1, "c1", true, null), new Participant(1, "c2", false, "TIMEOUT: late")));
      try (DashboardServer server = DashboardServer.start("127.0.0.1", 0, null, new StoreDashboardData(store))) {
        ObjectMapper json = new ObjectMapper();
        JsonNode runs = json.readTree(get(server.port(), "/api/runs"));
        assertEquals(1, runs.size());
        assertEquals("stored", runs.get(0).get("name").asText());
        assertEquals("running", runs.get(0).get("status").asText());
        assertTrue(!runs.get(0).has("config_yaml"), "the list leaves the configuration out");

        JsonNode doc = json.readTree(get(server.port(), "/api/run?id=" + id));
        assertEquals(0.8, doc.get("rounds").get(0).get("test_accuracy").asDouble());
        assertTrue(doc.get("rounds").get(0).get("fed_loss").isNull());
        assertEquals("c2", doc.get("clients").get(1).get("client_id").asText());
        assertEquals("TIMEOUT: late", doc.get("clients").get(1).get("last_failure").asText());

        Thread later = new Thread(() -> {
          store.recordRound(id, row(2, 0.9), List.of());
          store.finish(id, RunStatus.FINISHED, Double.NaN, List.of(), null);
        });
        later.start();
        String events = get(server.port(), "/events?run=" + id + "&after=1");
        later.join(10_000);
        assertTrue(events.contains("id: 2\ndata: {\"round\":2,"), events);
        assertTrue(events.indexOf("id: 2\n") < events.indexOf("event: end"), events);
        assertTrue(!events.contains("id: 1\n"), events);
      }
    }
  }
}
