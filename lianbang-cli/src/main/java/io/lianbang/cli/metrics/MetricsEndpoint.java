package io.lianbang.cli.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint of a server's metrics and health, on the JDK's HTTP server:
 *
 * <ul>
 *   <li>{@code GET /metrics}: the metrics in the Prometheus text format;
 *   <li>{@code GET /healthz}: 200 while the process serves;
 *   <li>{@code GET /readyz}: 200 while the federation is ready (it listens and its run is not
 *       over), 503 otherwise.
 * </ul>
 *
 * <p>Every request is bounded: only {@code GET} and {@code HEAD} (405 otherwise), a path of at
 * most {@value #MAX_PATH} characters (414), no other path (404), two threads for all requests,
 * and the JDK server's deadlines ({@value #REQUEST_SECONDS} s to read a request, as many to
 * answer it, unless the JVM properties {@code sun.net.httpserver.maxReqTime} and
 * {@code sun.net.httpserver.maxRspTime} say otherwise), after which the connection is closed.
 */
public final class MetricsEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);
  /** The longest request path served. */
  public static final int MAX_PATH = 64;
  /** The default deadline, in seconds, to read a request and to answer it. */
  public static final int REQUEST_SECONDS = 10;

  static {
    requestDeadlines();
  }

  /**
   * Sets the JDK server's deadlines ({@value #REQUEST_SECONDS} s to read a request, as many to
   * answer it) unless the JVM properties say otherwise. They are read once, when the JDK's first
   * server starts: every HTTP server of the process (the dashboard's too) calls this before it
   * creates one.
   */
  public static void requestDeadlines() {
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", String.valueOf(REQUEST_SECONDS));
    }
    if (System.getProperty("sun.net.httpserver.maxRspTime") == null) {
      System.setProperty("sun.net.httpserver.maxRspTime", String.valueOf(REQUEST_SECONDS));
    }
  }

  private final HttpServer server;
  private final ExecutorService threads;

  private MetricsEndpoint(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  /**
   * Serves on {@code address}:{@code port} (port 0 picks a free one).
   *
   * @param metrics the body of {@code /metrics}
   * @param ready whether {@code /readyz} answers 200
   * @throws IllegalArgumentException naming {@code metrics.address} or {@code metrics.port} and its
   *     value if the address is unknown or the port cannot be bound
   */
  public static MetricsEndpoint start(String address, int port, Supplier<String> metrics, BooleanSupplier ready) {
    InetAddress host;
    try {
      host = InetAddress.getByName(address);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("metrics.address '" + address + "' is unknown", e);
    }
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      throw new IllegalArgumentException("metrics.port " + port + " cannot be bound on " + address + ": " + e.getMessage(), e);
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "lianbang-metrics-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(threads);
    server.createContext("/", exchange -> handle(exchange, metrics, ready));
    server.start();
    if (!host.isLoopbackAddress()) log.warn("serving metrics without authentication on {}", address);
    return new MetricsEndpoint(server, threads);
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void handle(HttpExchange exchange, Supplier<String> metrics, BooleanSupplier ready) {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(exchange, 405, "method " + abbreviate(method) + " is not allowed: GET or HEAD\n");
      } else if (path == null || path.length() > MAX_PATH) {
        respond(exchange, 414, "the path is longer than " + MAX_PATH + " characters\n");
      } else {
        switch (path) {
          case "/metrics" -> {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            respond(exchange, 200, metrics.get());
          }
          case "/healthz" -> respond(exchange, 200, "ok\n");
          case "/readyz" -> {
            if (ready.getAsBoolean()) respond(exchange, 200, "ready\n");
            else respond(exchange, 503, "not ready: the server does not listen or its run is over\n");
          }
          default -> respond(exchange, 404, "no such path: " + path + " (/metrics, /healthz, /readyz)\n");
        }
      }
    } catch (IOException | UncheckedIOException e) {
      log.debug("metrics request failed: {}", e.toString()); // the client went away
    } catch (RuntimeException e) {
      log.warn("metrics request failed", e);
    }
  }

  private static String abbreviate(String s) {
    return io.lianbang.core.text.Abbreviation.abbreviate(s).replaceAll("[^\\x20-\\x7e]", "?");
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    }
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** Stops serving at once. */
  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
