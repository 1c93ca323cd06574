package io.lianbang.cli;

import static io.lianbang.cli.ServerConfigs.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.lianbang.cli.run.Simulator;
import io.lianbang.grpc.client.ClientSettings;
import io.lianbang.grpc.client.FederationClient;
import io.lianbang.grpc.proto.v1.FederationGrpc;
import io.lianbang.grpc.proto.v1.HeartbeatRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lianbang server --metrics PORT} during a run, read the way {@code curl} would: the named
 * series with the values of the run so far, a refused call counted by its reason, and the health
 * checks.
 */
class ServerMetricsEndpointTest {
  @TempDir Path dir;

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return send(port, path, "GET");
  }

  private static HttpResponse<String> send(int port, String path, String method) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The samples of a Prometheus text exposition: {@code name{labels}} to value. */
  static Map<String, Double> samples(String text) {
    Map<String, Double> samples = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) continue;
      int space = line.lastIndexOf(' ');
      samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return samples;
  }

  @Test
  void theMetricsEndpointShowsTheRunAsItGoes() throws Exception {
    int port = freePort();
    int metricsPort = freePort();
    Path config = ServerConfigs.write(dir, "metered", port, 3, dir.resolve("out"), "allow_anonymous: true", "normalize: none");
    ExecutorService threads = Executors.newCachedThreadPool();
    CountDownLatch release = new CountDownLatch(1);
    List<ManagedChannel> channels = List.of(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build(),
        NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build(),
        NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
    try {
      Future<Cli> server = threads.submit(() -> Cli.run(Simulator.standard(), "server", "--config", config.toString(),
          "--metrics", String.valueOf(metricsPort)));
      for (int i = 0; i < 2; i++) {
        FederationClient c = new FederationClient(channels.get(i), HoldingClient.inRoundThree(release),
            ClientSettings.defaults("site-" + i).withGiveUpAfter(Duration.ofSeconds(60)));
        threads.submit(c::run);
      }
      // rounds 1 and 2 complete; round 3 waits for the clients' fits
      Map<String, Double> m = Map.of();
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < end) {
        try {
          m = samples(get(metricsPort, "/metrics").body());
          if (m.getOrDefault("lianbang_round_current", 0.0) == 3) break;
        } catch (java.io.IOException notYet) {
          // the endpoint starts with the server
        }
        Thread.sleep(100);
      }
      assertEquals(3.0, m.get("lianbang_round_current"), "round 3 under way: " + m);
      assertEquals(2.0, m.get("lianbang_rounds_completed_total"));
      assertEquals(2.0, m.get("lianbang_round_duration_seconds_count"));
      assertTrue(m.get("lianbang_round_duration_seconds_sum") > 0, m.toString());
      assertEquals(2.0, m.get("lianbang_clients_connected"));
      // two rounds of two fits and two evaluations each
      assertEquals(8.0, m.get("lianbang_upload_duration_seconds_count"));
      // logistic:30 is 31 float32 values: every model each way is at least 124 bytes
      assertTrue(m.get("lianbang_transport_received_bytes_total") >= 8 * 124, m.toString());
      assertTrue(m.get("lianbang_transport_sent_bytes_total") >= 4 * 124, m.toString());
      assertTrue(m.containsKey("lianbang_uploads_in_flight") && m.containsKey("lianbang_downloads_in_flight"), m.toString());
      assertTrue(m.keySet().stream().anyMatch(k -> k.startsWith("lianbang_round_duration_seconds_bucket{")), m.toString());
      assertTrue(m.keySet().stream().anyMatch(k -> k.startsWith("jvm_memory_used_bytes{")), m.toString());
      assertTrue(m.keySet().stream().anyMatch(k -> k.startsWith("jvm_gc_")), m.toString());
      assertTrue(m.get("jvm_threads_live_threads") > 0, m.toString());
      String unknownSession = "lianbang_refused_calls_total{reason=\"UNKNOWN_SESSION\"}";
      assertEquals(0.0, m.get(unknownSession), m.toString());

      // a hostile call is refused, and counted under its reason
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> FederationGrpc.newBlockingStub(channels.get(2))
          .withDeadlineAfter(10, TimeUnit.SECONDS).heartbeat(HeartbeatRequest.newBuilder().setSessionId("forged").build()));
      assertEquals(Status.Code.NOT_FOUND, refused.getStatus().getCode());
      assertEquals(1.0, samples(get(metricsPort, "/metrics").body()).get(unknownSession));

      HttpResponse<String> metrics = get(metricsPort, "/metrics");
      assertTrue(metrics.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"), metrics.headers().toString());
      assertEquals(200, get(metricsPort, "/healthz").statusCode());
      assertEquals(200, get(metricsPort, "/readyz").statusCode());

      release.countDown();
      Cli s = server.get(90, TimeUnit.SECONDS);
      assertEquals(0, s.exit, s.toString());
      assertTrue(s.out.contains("metrics on http://127.0.0.1:" + metricsPort + "/metrics"), s.out);
      assertThrows(java.io.IOException.class, () -> get(metricsPort, "/healthz"), "the endpoint ends with the server");
    } finally {
      release.countDown();
      channels.forEach(ManagedChannel::shutdownNow);
      threads.shutdownNow();
    }
  }
}
