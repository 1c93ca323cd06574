package io.lianbang.grpc.server;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.lianbang.core.federation.ClientPool;
import io.lianbang.grpc.tls.ServerTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gRPC server for one federated run. Clients dial in, register and poll for tasks; the server
 * exposes them as a {@link ClientPool} on which an unchanged
 * {@link io.lianbang.core.federation.Federation} runs:
 *
 * <pre>{@code
 * try (FederationServer server = FederationServer.builder()
 *     .bind("0.0.0.0", 7443)
 *     .tls(new ServerTls(cert, key, clientCa))          // mutual TLS
 *     .settings(ServerSettings.defaults("run-1").withAllowedClients(Set.of("a", "b")))
 *     .start()) {
 *   RunResult result = new Federation(strategy, server.clients(), config, listeners).run(initial);
 *   server.finish("the run is complete", Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p>Security: TLS is required whenever the server binds an address other than loopback, unless
 * {@link Builder#insecure()} is chosen explicitly.
 */
public final class FederationServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FederationServer.class);

  private final Server server;
  private final GrpcClientPool pool;
  private final ScheduledExecutorService timer;
  private final GrpcSecAggTransport secagg;
  private final List<EventLoopGroup> eventLoops;
  private final FederationService service;

  private FederationServer(ServerBuilder<?> builder, ServerSettings settings, ServerMetrics metrics, List<EventLoopGroup> eventLoops) {
    this.eventLoops = eventLoops;
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lianbang-server-timer");
      t.setDaemon(true);
      return t;
    });
    this.pool = new GrpcClientPool(settings.runId(), settings.heartbeatInterval(), timer);
    this.secagg = new GrpcSecAggTransport(pool);
    Authenticator auth = new Authenticator(settings.allowedClients(), settings.tokens(), settings.allowAnonymous());
    this.service = new FederationService(pool, auth, settings, metrics);
    this.server = builder
        .addService(ServerInterceptors.intercept(ParseGuard.guard(ServerInterceptors.intercept(service, auth)), new FailureLogger(),
            new RefusalMetering(metrics)))
        .maxInboundMessageSize(settings.maxChunkBytes() + (64 << 10))
        .addStreamTracerFactory(new TransportTraffic(pool.trafficMeter().orElseThrow(), metrics, pool.clientTraffic()))
        .build();
  }

  /**
   * Starts a server on a caller-configured transport (for example an in-process one in tests);
   * the caller is responsible for its security.
   *
   * @throws UncheckedIOException if the server cannot start
   */
  public static FederationServer start(ServerBuilder<?> builder, ServerSettings settings) {
    return start(builder, settings, ServerMetrics.NONE);
  }

  /**
   * As {@link #start(ServerBuilder, ServerSettings)}, reporting to {@code metrics}.
   *
   * @throws UncheckedIOException if the server cannot start
   */
  public static FederationServer start(ServerBuilder<?> builder, ServerSettings settings, ServerMetrics metrics) {
    return start(builder, settings, metrics, List.of());
  }

  private static FederationServer start(ServerBuilder<?> builder, ServerSettings settings, ServerMetrics metrics,
      List<EventLoopGroup> eventLoops) {
    FederationServer s = new FederationServer(builder, settings, Objects.requireNonNull(metrics, "metrics"), eventLoops);
    try {
      s.server.start();
    } catch (IOException e) {
      s.timer.shutdownNow();
      s.eventLoops.forEach(EventLoopGroup::shutdownGracefully);
      throw new UncheckedIOException("cannot start the federation server: " + e.getMessage(), e);
    }
    return s;
  }

  /** A builder for a server on a TCP socket. */
  public static Builder builder() {
    return new Builder();
  }

  /** The registered clients, for the {@link io.lianbang.core.federation.Federation}. */
  public ClientPool clients() {
    return pool;
  }

  /**
   * A transport for secure aggregation among this server's clients, for
   * {@link io.lianbang.privacy.secagg.SecureAggregation}: stage requests go out as tasks, replies
   * come back through {@code SubmitSecAgg}.
   */
  public GrpcSecAggTransport secAggTransport() {
    return secagg;
  }

  /**
   * A transport for Paillier aggregation among this server's clients, for
   * {@link io.lianbang.privacy.paillier.PaillierAggregation}: each client is asked for its
   * contribution encrypted under {@code key} (the key holder's, relayed in the task) and answers
   * through {@code SubmitEncrypted}.
   */
  public GrpcPaillierTransport paillierTransport(io.lianbang.privacy.paillier.PaillierPublicKey key) {
    return new GrpcPaillierTransport(pool, key);
  }

  /**
   * Refuses, from now on, clients that declare at registration a model layout other than
   * {@code model}'s (the global model: its tensors' count and shapes), with
   * {@code FAILED_PRECONDITION} naming both layouts. Clients that declare none are accepted.
   */
  public void expectLayout(io.lianbang.core.tensor.Parameters model) {
    pool.expectLayout(Objects.requireNonNull(model, "model"));
  }

  /** The port the server listens on (useful after binding port 0), or -1 for a non-TCP transport. */
  public int port() {
    return server.getPort();
  }

  /** The run id clients receive. */
  public String runId() {
    return pool.runId();
  }

  /** The clients registered now (each with a live session). */
  public int connectedClients() {
    return pool.available().size();
  }

  /**
   * Every client identity that registered during this run (up to the most recent 65536), by id:
   * whether it is connected, when it was last heard from, and the bytes of its task calls. Cheap:
   * copies a few fields per client under the pool's lock.
   */
  public List<ClientSnapshot> clientSnapshot() {
    return pool.snapshot();
  }

  /** Result uploads under way now: their header named an open task and they have not ended. */
  public int uploadsInFlight() {
    return service.uploadsInFlight.get();
  }

  /** Parameter downloads under way now. */
  public int downloadsInFlight() {
    return service.downloadsInFlight.get();
  }

  /** Whether the server listens and the run goes on: neither {@link #finish}ed nor closed. */
  public boolean running() {
    return !server.isShutdown() && !pool.finished();
  }

  /**
   * Tells every client the run is over and waits until each connected client has been told, or
   * {@code grace} has passed.
   */
  public void finish(String reason, Duration grace) throws InterruptedException {
    pool.finish(reason);
    long end = System.nanoTime() + grace.toNanos();
    while (!pool.allToldFinished() && System.nanoTime() < end) Thread.sleep(20);
  }

  /** Stops the server, waiting at most 5 seconds for calls in flight. */
  @Override
  public void close() {
    pool.close();
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      timer.shutdownNow();
      eventLoops.forEach(g -> g.shutdownGracefully(0, 1, TimeUnit.SECONDS));
    }
  }

  /** Configures a server on a TCP socket. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 7443;
    private ServerTls tls;
    private boolean insecure;
    private ServerSettings settings = ServerSettings.defaults(java.util.UUID.randomUUID().toString());
    private ConnectionLimits limits = ConnectionLimits.defaults();
    private ServerMetrics metrics = ServerMetrics.NONE;

    private Builder() {}

    /** The address and port to listen on (port 0 picks a free port). Default 127.0.0.1:7443. */
    public Builder bind(String host, int port) {
      if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
      this.host = Objects.requireNonNull(host, "host");
      this.port = port;
      return this;
    }

    /** Serves TLS (mutual TLS if {@link ServerTls#clientCa()} is set). */
    public Builder tls(ServerTls tls) {
      this.tls = tls;
      return this;
    }

    /** Allows plaintext on a non-loopback address. Only for networks you fully trust. */
    public Builder insecure() {
      this.insecure = true;
      return this;
    }

    public Builder settings(ServerSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** Limits on TCP connections; {@link ConnectionLimits#defaults()} unless set. */
    public Builder connectionLimits(ConnectionLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** Where the server reports refusals, bytes and upload durations; {@link ServerMetrics#NONE} unless set. */
    public Builder metrics(ServerMetrics metrics) {
      this.metrics = Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    /**
     * Binds and starts the server.
     *
     * @throws IllegalArgumentException if the address is not loopback and neither TLS nor
     *     insecure mode was chosen, the host is unknown, or anonymous clients are allowed together
     *     with mutual TLS
     * @throws UncheckedIOException if the port cannot be bound or the TLS files cannot be loaded
     */
    public FederationServer start() {
      if (tls != null && tls.clientCa() != null && settings.allowAnonymous()) {
        throw new IllegalArgumentException("allowAnonymous cannot be combined with mutual TLS (a client CA): anonymous "
            + "names would share the namespace of certificate identities, so a client could take over a certificate holder's session");
      }
      InetAddress address;
      try {
        address = InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("bind host '" + host + "' is unknown", e);
      }
      ServerCredentials credentials;
      if (tls != null) {
        credentials = tls.credentials();
      } else if (address.isLoopbackAddress() || insecure) {
        credentials = InsecureServerCredentials.create();
        if (!address.isLoopbackAddress()) log.warn("serving PLAINTEXT on {}: traffic and tokens are not protected", host);
      } else {
        throw new IllegalArgumentException("the server binds " + host + ", which is not loopback: configure TLS "
            + "(certificate and key) or choose insecure mode explicitly");
      }
      if (tls == null && !settings.tokens().isEmpty() && !address.isLoopbackAddress()) {
        log.warn("bearer tokens travel in plaintext without TLS");
      }
      EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1,
          new DefaultThreadFactory("lianbang-server-accept", true), NioIoHandler.newFactory());
      EventLoopGroup workers = new MultiThreadIoEventLoopGroup(0,
          new DefaultThreadFactory("lianbang-server-io", true), NioIoHandler.newFactory());
      ConnectionLimits l = limits;
      NettyServerBuilder netty = NettyServerBuilder.forAddress(new InetSocketAddress(address, port), credentials)
          .channelFactory(() -> new LimitedServerChannel(l))
          .bossEventLoopGroup(boss)
          .workerEventLoopGroup(workers)
          .handshakeTimeout(l.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .maxConnectionIdle(l.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .keepAliveTime(l.keepAliveTime().toMillis(), TimeUnit.MILLISECONDS)
          .keepAliveTimeout(l.keepAliveTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .permitKeepAliveTime(10, TimeUnit.SECONDS);
      FederationServer s = FederationServer.start(netty, settings, metrics, List.of(boss, workers));
      log.info("federation server listening on {}:{} ({}; run {})", host, s.port(),
          tls == null ? "plaintext" : tls.clientCa() == null ? "TLS" : "mutual TLS", settings.runId());
      return s;
    }
  }
}
