package io.lianbang.cli;

import static io.lianbang.cli.ServerConfigs.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.lianbang.cli.run.Simulator;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lianbang server --dashboard PORT} during a run with two clients on loopback: the
 * dashboard's JSON shows both clients connected, heard from recently, with the rounds they took
 * part in and the bytes of their task calls.
 */
class ServerDashboardTest {
  @TempDir Path dir;

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  /** logistic:30 is 31 float32 values: every model each way is at least this many bytes. */
  private static final int MODEL_BYTES = 31 * 4;

  private static JsonNode get(int port, String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).GET().build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return JSON.readTree(response.body());
  }

  @Test
  void theDashboardShowsTheDeployedRunsClientsAsItGoes() throws Exception {
    int port = freePort();
    int dashboardPort = freePort();
    Path config = ServerConfigs.write(dir, "watched", port, 3, dir.resolve("out"), "allow_anonymous: true", "normalize: none",
        "store: {enabled: false}");
    ExecutorService threads = Executors.newCachedThreadPool();
    CountDownLatch release = new CountDownLatch(1);
    List<ManagedChannel> channels = List.of(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build(),
        NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
    try {
      Future<Cli> server = threads.submit(() -> Cli.run(Simulator.standard(), "server", "--config", config.toString(),
          "--dashboard", String.valueOf(dashboardPort)));
      for (int i = 0; i < 2; i++) {
        FederationClient c = new FederationClient(channels.get(i), HoldingClient.inRoundThree(release),
            ClientSettings.defaults("site-" + i).withGiveUpAfter(Duration.ofSeconds(60)));
        threads.submit(c::run);
      }
      // rounds 1 and 2 complete; round 3 waits for the clients' fits
      JsonNode doc = null;
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < end && !server.isDone()) {
        try {
          doc = get(dashboardPort, "/api/run?id=1");
          if (doc.get("rounds").size() == 2 && doc.get("clients").size() == 2) break;
        } catch (java.io.IOException notYet) {
          // the dashboard starts with the server
        }
        Thread.sleep(100);
      }
      assertNotNull(doc, "the dashboard answered");
      assertEquals(2, doc.get("rounds").size(), doc.toString());
      assertEquals("server", doc.get("run").get("kind").asText());
      assertEquals("running", doc.get("run").get("status").asText());
      JsonNode clients = doc.get("clients");
      assertEquals(2, clients.size(), clients.toString());
      long uplink = 0;
      long downlink = 0;
      for (int i = 0; i < 2; i++) {
        JsonNode c = clients.get(i);
        assertEquals("site-" + i, c.get("client_id").asText());
        assertTrue(c.get("connected").asBoolean(), c.toString());
        Instant heard = Instant.parse(c.get("last_heartbeat").asText());
        // heartbeats every 5 s by default; a client silent for three intervals is dropped
        assertTrue(Duration.between(heard, Instant.now()).abs().compareTo(Duration.ofSeconds(30)) < 0, c.toString());
        assertEquals(2, c.get("rounds").asInt(), c.toString());
        assertEquals(0, c.get("failures").asInt(), c.toString());
        // a fit result per round, and a model downloaded per round
        assertTrue(c.get("uplink_bytes").asLong() >= 2 * MODEL_BYTES, c.toString());
        assertTrue(c.get("downlink_bytes").asLong() >= 2 * MODEL_BYTES, c.toString());
        uplink += c.get("uplink_bytes").asLong();
        downlink += c.get("downlink_bytes").asLong();
      }
      // the clients' bytes add up to the traffic of rounds 1 and 2, plus at most round 3's download requests
      // (its fits are held, so less than a whole round's uplink)
      JsonNode round2 = doc.get("rounds").get(1);
      long before = round2.get("total_uplink_bytes").asLong();
      assertTrue(uplink >= before && uplink < before + round2.get("uplink_bytes").asLong(), uplink + " bytes: " + doc);
      assertTrue(downlink >= round2.get("total_downlink_bytes").asLong(), downlink + " bytes: " + doc);

      release.countDown();
      Cli s = server.get(90, TimeUnit.SECONDS);
      assertEquals(0, s.exit, s.toString());
      assertTrue(s.out.contains("dashboard  http://127.0.0.1:" + dashboardPort + "/"), s.out);
    } finally {
      release.countDown();
      channels.forEach(ManagedChannel::shutdownNow);
      threads.shutdownNow();
    }
  }
}
