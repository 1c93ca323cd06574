package io.lianbang.cli.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.lianbang.cli.config.ConfigLoader;
import io.lianbang.cli.metrics.MetricsEndpoint;
import io.lianbang.core.text.Abbreviation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's web server, on the JDK's HTTP server:
 *
 * <ul>
 *   <li>{@code GET /}: the page (with its script, style sheet and the bundled chart library uPlot
 *       under {@code /vendor/});
 *   <li>{@code GET /api/runs}: the runs as a JSON array;
 *   <li>{@code GET /api/run?id=ID}: a run's document: {@code run}, {@code rounds}, {@code clients};
 *   <li>{@code GET /events?run=ID}: server-sent events, one per round completed after the round the
 *       {@code Last-Event-ID} header (or {@code after}) names, each a JSON object of one line with
 *       the round as its event id, and an {@code end} event once the run is over.
 * </ul>
 *
 * <p>Every request is bounded: only {@code GET} and {@code HEAD} (405 otherwise), a request line of
 * at most {@value #MAX_URI} characters (414), {@value #THREADS} threads for all requests, at most
 * {@value #MAX_STREAMS} event streams at once (503), each ended after {@value #STREAM_SECONDS} s
 * (the browser reconnects and goes on from the last round it has), and the JDK server's deadlines
 * ({@link MetricsEndpoint#requestDeadlines}). With a token, every request must carry it, in the
 * header {@code Authorization: Bearer TOKEN} or as {@code ?token=TOKEN} (401 otherwise); it is
 * compared in constant time.
 */
public final class DashboardServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DashboardServer.class);
  /** The longest request path and query served. */
  public static final int MAX_URI = 512;
  /** The fewest characters a token may have. */
  public static final int MIN_TOKEN = 16;
  /** How long one event stream lasts before the browser reconnects, in seconds. */
  public static final int STREAM_SECONDS = 5;
  /** The most event streams served at once. */
  public static final int MAX_STREAMS = 4;
  /** The threads serving requests. */
  public static final int THREADS = MAX_STREAMS + 2;
  private static final String RESOURCES = "/io/lianbang/cli/dashboard/";
  private static final Map<String, String[]> FILES = Map.of(
      "/", new String[] {"index.html", "text/html; charset=utf-8"},
      "/dashboard.js", new String[] {"dashboard.js", "text/javascript; charset=utf-8"},
      "/dashboard.css", new String[] {"dashboard.css", "text/css; charset=utf-8"},
      "/vendor/uPlot.iife.min.js", new String[] {"vendor/uPlot.iife.min.js", "text/javascript; charset=utf-8"},
      "/vendor/uPlot.min.css", new String[] {"vendor/uPlot.min.css", "text/css; charset=utf-8"},
      "/vendor/uPlot.LICENSE", new String[] {"vendor/uPlot.LICENSE", "text/plain; charset=utf-8"});

  private final HttpServer server;
  private final ExecutorService threads;
  private final DashboardData data;
  private final byte[] tokenDigest;
  private final Map<String, byte[]> files;
  private final Semaphore streams = new Semaphore(MAX_STREAMS);

  private DashboardServer(HttpServer server, ExecutorService threads, DashboardData data, String token, Map<String, byte[]> files) {
    this.server = server;
    this.threads = threads;
    this.data = data;
    this.tokenDigest = token == null ? null : sha256(token);
    this.files = files;
  }

  /**
   * Serves {@code data} on {@code address}:{@code port} (port 0 picks a free one).
   *
   * @param token the token every request must carry, or null for none (then {@code address} must
   *     be a loopback address)
   * @throws IllegalArgumentException naming the address or the port and its value if the address
   *     is unknown or the port cannot be bound, and if a non-loopback address has no token of at
   *     least {@value #MIN_TOKEN} characters
   */
  public static DashboardServer start(String address, int port, String token, DashboardData data) {
    InetAddress host;
    try {
      host = InetAddress.getByName(address);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("address '" + Abbreviation.abbreviate(address) + "' is unknown", e);
    }
    if (token != null && token.length() < MIN_TOKEN) {
      throw new IllegalArgumentException("the token has " + token.length() + " characters; at least " + MIN_TOKEN);
    }
    if (token == null && !host.isLoopbackAddress()) {
      throw new IllegalArgumentException("address " + address + " is not a loopback address: it needs a token (at least "
          + MIN_TOKEN + " characters)");
    }
    Map<String, byte[]> files = new HashMap<>();
    FILES.forEach((path, file) -> files.put(path, resource(file[0])));
    MetricsEndpoint.requestDeadlines();
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      throw new IllegalArgumentException("port " + port + " cannot be bound on " + address + ": " + e.getMessage(), e);
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService threads = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "lianbang-dashboard-http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(threads);
    DashboardServer dashboard = new DashboardServer(server, threads, data, token, files);
    server.createContext("/", dashboard::handle);
    server.start();
    return dashboard;
  }

  /** The port it listens on. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The page's address on {@code host} (without the token). */
  public String url(String host) {
    return "http://" + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port() + "/";
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      String method = exchange.getRequestMethod();
      URI uri = exchange.getRequestURI();
      String path = uri.getRawPath();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(exchange, 405, "method " + abbreviate(method) + " is not allowed: GET or HEAD\n");
        return;
      }
      if (path == null || uri.getRawSchemeSpecificPart().length() > MAX_URI) {
        respond(exchange, 414, "the path and query are longer than " + MAX_URI + " characters\n");
        return;
      }
      Map<String, String> query = query(uri.getRawQuery());
      if (!authorized(exchange, query.get("token"))) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
        respond(exchange, 401, "a valid token is required: the header 'Authorization: Bearer TOKEN' or ?token=TOKEN\n");
        return;
      }
      String[] file = FILES.get(path);
      if (file != null) {
        exchange.getResponseHeaders().set("Content-Type", file[1]);
        respond(exchange, 200, files.get(path));
        return;
      }
      switch (path) {
        case "/api/runs" -> json(exchange, data.runs());
        case "/api/run" -> {
          long id = runId(exchange, query, "id");
          if (id < 0) return;
          Optional<ObjectNode> run = data.run(id);
          if (run.isEmpty()) respond(exchange, 404, "no run " + id + "\n");
          else json(exchange, run.get());
        }
        case "/events" -> {
          long id = runId(exchange, query, "run");
          if (id >= 0) events(exchange, id, query);
        }
        default -> respond(exchange, 404, "no such path: " + abbreviate(path) + " (/, /api/runs, /api/run, /events)\n");
      }
    } catch (IOException | UncheckedIOException e) {
      log.debug("dashboard request failed: {}", e.toString()); // the browser went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      log.warn("dashboard request failed", e);
    }
  }

  /** Streams the rounds of run {@code id} as server-sent events for at most {@value #STREAM_SECONDS} s. */
  private void events(HttpExchange exchange, long id, Map<String, String> query) throws IOException, InterruptedException {
    String from = exchange.getRequestHeaders().getFirst("Last-Event-ID");
    String field = "Last-Event-ID";
    if (from == null) {
      from = query.getOrDefault("after", "-1");
      field = "after";
    }
    int after;
    try {
      after = Integer.parseInt(from.strip());
    } catch (NumberFormatException e) {
      respond(exchange, 400, field + " '" + abbreviate(from) + "' is not a round number\n");
      return;
    }
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
      respond(exchange, 200, new byte[0]);
      return;
    }
    if (!streams.tryAcquire()) {
      respond(exchange, 503, "too many event streams at once (at most " + MAX_STREAMS + ")\n");
      return;
    }
    try {
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      write(out, "retry: 1000\n\n");
      long end = System.nanoTime() + Duration.ofSeconds(STREAM_SECONDS).toNanos();
      while (true) {
        long left = end - System.nanoTime();
        if (left <= 0) break;
        List<ObjectNode> rounds = data.roundsAfter(id, after, Duration.ofNanos(Math.min(left, 1_000_000_000L)));
        if (rounds.isEmpty() && data.over(id)) {
          rounds = data.roundsAfter(id, after, Duration.ZERO); // those that completed just before the end
          after = send(out, rounds, after);
          write(out, "event: end\ndata: {}\n\n");
          break;
        }
        after = send(out, rounds, after);
      }
      out.close();
    } finally {
      streams.release();
    }
  }

  private static int send(OutputStream out, List<ObjectNode> rounds, int after) throws IOException {
    for (ObjectNode r : rounds) {
      after = r.get("round").asInt();
      write(out, "id: " + after + "\ndata: " + ConfigLoader.jsonMapper().writeValueAsString(r) + "\n\n");
    }
    return after;
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** The run id in {@code query}'s {@code name}, or -1 after answering 400 if it is missing or not one. */
  private static long runId(HttpExchange exchange, Map<String, String> query, String name) throws IOException {
    String value = query.get(name);
    try {
      long id = Long.parseLong(value == null ? "" : value);
      if (id > 0) return id;
    } catch (NumberFormatException e) {
      // answered below
    }
    respond(exchange, 400, value == null ? "missing " + name + ": a run id\n"
        : name + " '" + abbreviate(value) + "' is not a run id: a positive integer\n");
    return -1;
  }

  private boolean authorized(HttpExchange exchange, String queryToken) {
    if (tokenDigest == null) return true;
    String given = queryToken;
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) given = header.substring(7).strip();
    // digests of equal length, compared in constant time: neither the length nor a prefix leaks
    return given != null && MessageDigest.isEqual(tokenDigest, sha256(given));
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null) return q;
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        q.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // a malformed escape: the parameter is ignored (a missing one is refused where it matters)
      }
    }
    return q;
  }

  private static void json(HttpExchange exchange, JsonNode node) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    respond(exchange, 200, ConfigLoader.jsonMapper().writeValueAsBytes(node));
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
      exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    }
    respond(exchange, status, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static String abbreviate(String s) {
    return Abbreviation.abbreviate(s).replaceAll("[^\\x20-\\x7e]", "?");
  }

  private static byte[] resource(String name) {
    try (InputStream in = DashboardServer.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) throw new IllegalStateException("the dashboard's resource " + name + " is missing from the jar");
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops serving at once. */
  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
