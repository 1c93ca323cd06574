package io.lianbang.cli.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lianbang.grpc.server.FederationServer;
import io.lianbang.grpc.server.ServerSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The endpoint's paths, its refusals, and readiness that follows the federation server. */
class MetricsEndpointTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static HttpResponse<String> send(int port, String method, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readinessFollowsTheServerAndOnlyTheThreePathsAreServed() throws Exception {
    try (FederationServer server = FederationServer.builder().bind("127.0.0.1", 0)
            .settings(ServerSettings.defaults("ready").withAllowAnonymous(true)).start();
        MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, () -> "a_metric 1\n", server::running)) {
      int port = endpoint.port();
      HttpResponse<String> metrics = send(port, "GET", "/metrics");
      assertEquals(200, metrics.statusCode());
      assertEquals("a_metric 1\n", metrics.body());
      assertEquals(200, send(port, "GET", "/healthz").statusCode());
      assertEquals(200, send(port, "GET", "/readyz").statusCode());
      assertEquals(200, send(port, "HEAD", "/metrics").statusCode());
      assertEquals(200, send(port, "GET", "/metrics?name=x").statusCode(), "a query is ignored");

      HttpResponse<String> post = send(port, "POST", "/metrics");
      assertEquals(405, post.statusCode());
      assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(""));
      assertTrue(post.body().contains("method POST is not allowed"), post.body());
      assertEquals(414, send(port, "GET", "/" + "m".repeat(MetricsEndpoint.MAX_PATH)).statusCode());
      HttpResponse<String> unknown = send(port, "GET", "/metric");
      assertEquals(404, unknown.statusCode());
      assertTrue(unknown.body().contains("/metric"), unknown.body());

      server.finish("the run is complete", Duration.ofSeconds(1));
      HttpResponse<String> over = send(port, "GET", "/readyz");
      assertEquals(503, over.statusCode());
      assertTrue(over.body().contains("not ready"), over.body());
      assertEquals(200, send(port, "GET", "/healthz").statusCode(), "the process still serves");
    }
  }

  @Test
  void aPortInUseOrAnUnknownAddressIsNamed() {
    try (MetricsEndpoint first = MetricsEndpoint.start("127.0.0.1", 0, () -> "", () -> true)) {
      IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
          () -> MetricsEndpoint.start("127.0.0.1", first.port(), () -> "", () -> true));
      assertTrue(taken.getMessage().startsWith("metrics.port " + first.port() + " cannot be bound on 127.0.0.1"), taken.getMessage());
    }
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> MetricsEndpoint.start("no-such-host.invalid", 0, () -> "", () -> true));
    assertEquals("metrics.address 'no-such-host.invalid' is unknown", unknown.getMessage());
  }
}
