package io.lianbang.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lianbang.core.federation.RoundRecord;
import io.lianbang.core.federation.Traffic;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.task.EvalResult;
import io.lianbang.core.task.Metrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The dashboard's HTTP server over loopback: its answers, its event stream, its bounds and its token. */
class DashboardServerTest {
  private static final String TOKEN = "0123456789abcdef-secret";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private static RoundRecord round(int n, double accuracy, long up, long down, List<ClientFailure> failures) {
    return new RoundRecord(n, 2, 2 - failures.size(), failures, true, Metrics.of("train_loss", 0.5),
        Optional.empty(), Optional.of(new EvalResult(0.25, 100, Metrics.of("accuracy", accuracy))), 0.1,
        new Traffic(up, down), new Traffic(up * n, down * n));
  }

  private HttpResponse<String> get(int port, String pathAndQuery, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery)).timeout(Duration.ofSeconds(20));
    if (headers.length > 0) b.headers(headers);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void servesThePageTheLiveRunAndItsRoundsAsEvents() throws Exception {
    LiveRun live = new LiveRun("t", "simulate", 2);
    live.roundStarted(0, 2, 0);
    live.roundCompleted(round(0, 0.5, 0, 0, List.of()), 2);
    live.roundStarted(1, 2, 2);
    live.clientFinished(1, "a", true);
    live.clientFinished(1, "b", false);
    live.roundCompleted(round(1, 0.75, 300, 200, List.of(new ClientFailure("b", ClientFailure.Kind.TIMEOUT, "boom"))), 2);
    try (DashboardServer server = DashboardServer.start("127.0.0.1", 0, null, live)) {
      int port = server.port();
      HttpResponse<String> page = get(port, "/");
      assertEquals(200, page.statusCode());
      assertTrue(page.body().contains("vendor/uPlot.iife.min.js"), "the page loads the bundled chart library");
      assertTrue(get(port, "/vendor/uPlot.iife.min.js").body().startsWith("/*! https://github.com/leeoniya/uPlot (v1.6.32) */"));

      ObjectMapper json = new ObjectMapper();
      JsonNode runs = json.readTree(get(port, "/api/runs").body());
      assertEquals(1, runs.size());
      assertEquals("running", runs.get(0).get("status").asText());
      assertEquals(1, runs.get(0).get("rounds_done").asInt());
      assertEquals(0.75, runs.get(0).get("final_accuracy").asDouble());
      assertEquals(300, runs.get(0).get("uplink_bytes").asLong());

      JsonNode doc = json.readTree(get(port, "/api/run?id=1").body());
      assertEquals(2, doc.get("rounds").size());
      JsonNode r1 = doc.get("rounds").get(1);
      assertEquals(1, r1.get("round").asInt());
      assertEquals(0.75, r1.get("test_accuracy").asDouble());
      assertEquals(0.25, r1.get("test_loss").asDouble());
      assertTrue(r1.get("fed_accuracy").isNull(), "not measured: null, not NaN");
      assertEquals(200, r1.get("downlink_bytes").asLong());
      JsonNode clients = doc.get("clients");
      assertEquals(2, clients.size());
      assertEquals("a", clients.get(0).get("client_id").asText());
      assertEquals(0, clients.get(0).get("failures").asInt());
      assertEquals(1, clients.get(1).get("failures").asInt());
      assertTrue(clients.get(1).get("last_failure").asText().endsWith(": boom"), clients.get(1).toString());

      // the stream from round 0 on: round 1 at once; round 2 when it completes; then the end
      Thread later = new Thread(() -> {
        live.roundStarted(2, 2, 2);
        live.roundCompleted(round(2, 0.875, 300, 200, List.of()), 2);
        live.ended(true);
      });
      later.start();
      HttpResponse<String> events = get(port, "/events?run=1&after=0");
      later.join(10_000);
      assertEquals(200, events.statusCode());
      assertTrue(events.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
      String body = events.body();
      assertTrue(body.contains("id: 1\ndata: {\"round\":1,"), body);
      assertTrue(body.contains("id: 2\ndata: {\"round\":2,"), body);
      assertTrue(body.indexOf("id: 2\n") < body.indexOf("event: end"), body);
      assertFalse(body.contains("id: 0\n"), "rounds up to the one named are not sent again: " + body);
      String resumed = get(port, "/events?run=1&after=0", "Last-Event-ID", "1").body();
      assertFalse(resumed.contains("id: 1\n"), "Last-Event-ID wins over after: " + resumed);
      assertTrue(resumed.contains("id: 2\n") && resumed.contains("event: end"), resumed);
    }
  }

  @Test
  void refusesWhatItDoesNotServeNamingTheValue() throws Exception {
    try (DashboardServer server = DashboardServer.start("127.0.0.1", 0, null, new LiveRun("t", "simulate", 1))) {
      int port = server.port();
      HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/runs"))
          .POST(HttpRequest.BodyPublishers.ofString("x")).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(405, post.statusCode());
      assertEquals(400, get(port, "/api/run?id=abc").statusCode());
      assertTrue(get(port, "/api/run?id=abc").body().contains("id 'abc' is not a run id"));
      assertTrue(get(port, "/events?run=1&after=x").body().contains("after 'x' is not a round number"));
      assertEquals(404, get(port, "/api/run?id=7").statusCode());
      HttpResponse<String> longOne = get(port, "/api/run?id=" + "9".repeat(DashboardServer.MAX_URI));
      assertEquals(414, longOne.statusCode());
      assertTrue(longOne.body().length() < 200, "the value is not echoed");
      assertEquals(404, get(port, "/etc/passwd").statusCode());
    }
  }

  @Test
  void aTokenIsCheckedOnEveryRequestAndRequiredOffLoopback() throws Exception {
    try (DashboardServer server = DashboardServer.start("127.0.0.1", 0, TOKEN, new LiveRun("t", "simulate", 1))) {
      int port = server.port();
      HttpResponse<String> none = get(port, "/api/runs");
      assertEquals(401, none.statusCode());
      assertFalse(none.body().contains(TOKEN));
      assertEquals(401, get(port, "/", "Authorization", "Bearer " + TOKEN + "x").statusCode());
      assertEquals(401, get(port, "/?token=" + TOKEN.substring(1)).statusCode());
      assertEquals(200, get(port, "/api/runs", "Authorization", "Bearer " + TOKEN).statusCode());
      assertEquals(200, get(port, "/?token=" + TOKEN).statusCode());
      assertEquals(200, get(port, "/vendor/uPlot.min.css?token=" + TOKEN).statusCode());
    }
    IllegalArgumentException open = assertThrows(IllegalArgumentException.class,
        () -> DashboardServer.start("0.0.0.0", 0, null, new LiveRun("t", "simulate", 1)));
    assertTrue(open.getMessage().contains("0.0.0.0") && open.getMessage().contains("token"), open.getMessage());
    IllegalArgumentException shortToken = assertThrows(IllegalArgumentException.class,
        () -> DashboardServer.start("127.0.0.1", 0, "short", new LiveRun("t", "simulate", 1)));
    assertTrue(shortToken.getMessage().contains("5 characters; at least 16"), shortToken.getMessage());
    assertFalse(shortToken.getMessage().contains("short"));
  }

}
