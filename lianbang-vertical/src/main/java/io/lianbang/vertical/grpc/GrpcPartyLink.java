package io.lianbang.vertical.grpc;

import com.google.protobuf.ByteString;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.lianbang.vertical.link.LinkException;
import io.lianbang.vertical.link.LinkStats;
import io.lianbang.vertical.link.Mailbox;
import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.proto.DeliverAck;
import io.lianbang.vertical.proto.DeliverPart;
import io.lianbang.vertical.proto.MessageHeader;
import io.lianbang.vertical.proto.PingReply;
import io.lianbang.vertical.proto.PingRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PartyLink} between processes: each party serves the {@code lianbang.vertical.v1}
 * transport over mutual TLS and calls its peers' (docs/protocol.md, "Transport
 * (lianbang.vertical.v1)").
 *
 * <p><b>Sending.</b> {@link #send} delivers a message in one client-streaming call: a header (run
 * id, tag, total size, both incarnations) and chunks of at most {@link GrpcLinkSettings#chunkBytes()}
 * bytes; it returns once the receiver has queued the whole message. A peer that was never
 * reached is retried with backoff until the {@link GrpcLinkSettings#startupWindow() startup
 * window} ends (parties may start in any order within it); an unavailable peer is retried within
 * the {@link GrpcLinkSettings#sendDeadline() send deadline}; a peer still unavailable after it, or
 * a delivery that outlasts it, loses the peer.
 *
 * <p><b>Receiving and identity.</b> Messages go into a {@link Mailbox} bounded by
 * {@link GrpcLinkSettings#limits()}. The sender is the common name of its client certificate and
 * must be a configured peer; a message of another run id is refused, as is everything beyond the
 * limits, each refusal a {@link TransportRefusal} naming the field and value.
 *
 * <p><b>Liveness and crashes.</b> Every party pings every peer each
 * {@link GrpcLinkSettings#pingInterval() ping interval}. A peer that answered once and then fails
 * {@link GrpcLinkSettings#pingMisses() pingMisses} pings in a row, one never reached within the
 * startup window, or one whose delivery fails past its deadline is lost: a {@link #receive}
 * waiting for it fails at once with {@link LinkException.Reason#PEER_LOST} naming the peer, and so
 * does every later send to it. A crashed party is therefore noticed within
 * {@link GrpcLinkSettings#livenessWindow()}.
 *
 * <p><b>Restarts.</b> Each link draws a random incarnation nonce when it starts and exchanges it
 * in every ping and message header. A run restarts from its beginning: restart every party with
 * the same command (same run id). A party that already exchanged messages with a peer and then
 * sees a new incarnation of it refuses it ({@link TransportRefusal#PEER_RESTARTED}) and loses
 * it, so a surviving old party fails rather than mixing runs; a message addressed to an earlier
 * incarnation of its receiver is refused ({@link TransportRefusal#STALE_INCARNATION}). A restarted
 * party keeps retrying such a stale peer within its startup window, until that peer, failed
 * and restarted, answers as a fresh incarnation.
 */
public final class GrpcPartyLink implements PartyLink {
  private static final Logger log = LoggerFactory.getLogger(GrpcPartyLink.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
  /** The longest incarnation nonce a peer may present. */
  static final int MAX_INCARNATION_CHARS = 64;
  /** Largest ping reply or acknowledgement accepted from a peer. */
  private static final int MAX_REPLY_BYTES = 64 << 10;
  private static final long FIRST_BACKOFF_MILLIS = 50;
  private static final long MAX_BACKOFF_MILLIS = 1000;

  private final String self;
  private final String runId;
  private final String incarnation;
  private final GrpcLinkSettings settings;
  private final Mailbox mailbox;
  private final Map<String, PeerState> peers;
  private final ScheduledExecutorService scheduler;
  private final RateLimitedLog warnings = new RateLimitedLog(log, 10_000);
  private final LinkStats stats = new LinkStats();
  private final long startNanos = System.nanoTime();
  private final Server server;
  private volatile boolean closed;

  private GrpcPartyLink(Builder b, ChannelCredentials channelCredentials) {
    this.self = b.self;
    this.runId = b.runId;
    this.incarnation = HexFormat.of().formatHex(nonce());
    this.settings = b.settings;
    this.mailbox = new Mailbox(self, settings.limits());
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lianbang-vertical-" + b.self);
      t.setDaemon(true);
      return t;
    });
    Map<String, PeerState> ps = new LinkedHashMap<>();
    b.peers.forEach((name, address) -> {
      HostPort hp = HostPort.parse("peer " + name, address, false);
      ManagedChannel channel = Grpc.newChannelBuilderForAddress(hp.host, hp.port, channelCredentials)
          .maxInboundMessageSize(MAX_REPLY_BYTES).build();
      ps.put(name, new PeerState(name, address, channel));
    });
    this.peers = Map.copyOf(ps);
    HostPort listen = HostPort.parse("listen", b.listen, true);
    Server s;
    try {
      s = NettyServerBuilder.forAddress(new InetSocketAddress(listen.host, listen.port), b.tls.serverTls().credentials())
          .addService(ServerInterceptors.intercept(new TransportService(this), new CallerIdentity(self, peers.keySet(), warnings)))
          .maxInboundMessageSize(GrpcLinkSettings.MAX_CHUNK_BYTES + (64 << 10))
          .maxInboundMetadataSize(16 << 10)
          .maxConcurrentCallsPerConnection(16)
          .handshakeTimeout(settings.pingDeadline().toMillis() + 10_000, TimeUnit.MILLISECONDS)
          .build().start();
    } catch (IOException e) {
      shutdownChannels();
      scheduler.shutdownNow();
      throw new UncheckedIOException(new IOException(self + " cannot listen on " + b.listen + ": " + e.getMessage(), e));
    } catch (RuntimeException e) {
      shutdownChannels();
      scheduler.shutdownNow();
      throw e;
    }
    this.server = s;
    long interval = settings.pingInterval().toMillis();
    scheduler.scheduleAtFixedRate(this::pingAll, 0, interval, TimeUnit.MILLISECONDS);
    log.info("{} listens on {} (port {}), run {}, incarnation {}, peers {}", self, b.listen, port(), runId, incarnation, b.peers);
  }

  private static byte[] nonce() {
    byte[] n = new byte[16];
    RANDOM.nextBytes(n);
    return n;
  }

  /** A builder; {@link Builder#start()} binds the server and starts pinging. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String self() {
    return self;
  }

  /** The run id every message must carry. */
  public String runId() {
    return runId;
  }

  /** This link's incarnation: a random nonce drawn when it started. */
  public String incarnation() {
    return incarnation;
  }

  /** The settings. */
  public GrpcLinkSettings settings() {
    return settings;
  }

  /** The port the server listens on (the chosen one if the builder asked for port 0). */
  public int port() {
    return server.getPort();
  }

  /** The configured peers, by name. */
  public List<String> peers() {
    return peers.keySet().stream().sorted().toList();
  }

  /** Why {@code peer} was lost (crashed, silent, restarted), or null if it was not or is no peer of this party. */
  public String lostReason(String peer) {
    PeerState p = peers.get(peer);
    return p == null ? null : p.lost();
  }

  @Override
  public void send(String to, String tag, byte[] payload) {
    Objects.requireNonNull(payload, "payload");
    if (closed) throw new LinkException(LinkException.Reason.CLOSED, self + "'s link is closed");
    PeerState peer = peers.get(to);
    if (peer == null) throw new LinkException(LinkException.Reason.PEER_LOST, "no party " + to + "; the peers of " + self + " are " + peers());
    settings.limits().check(self, tag, payload.length);
    long sendEnd = System.nanoTime() + settings.sendDeadline().toNanos();
    String receiver = reach(peer, tag);
    long backoff = FIRST_BACKOFF_MILLIS;
    while (true) {
      String lost = peer.lost();
      if (lost != null) throw new LinkException(LinkException.Reason.PEER_LOST, "lost " + to + " before sending " + tag + ": " + lost);
      long left = sendEnd - System.nanoTime();
      if (left <= 0) {
        throw lose(peer, to + " at " + peer.address + " did not take " + tag + " within the send deadline of "
            + settings.sendDeadline().toMillis() + " ms");
      }
      try {
        deliver(peer, receiver, tag, payload, left);
        peer.exchanged();
        stats.sent(to, tag, payload.length);
        return;
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        TransportRefusal reason = TransportRefusal.of(e).orElse(null);
        if (code == Status.Code.UNAVAILABLE && reason == null) {
          sleep(Math.min(backoff, Math.max(1, (sendEnd - System.nanoTime()) / 1_000_000)), tag);
          backoff = Math.min(2 * backoff, MAX_BACKOFF_MILLIS);
          continue;
        }
        String why = to + " at " + peer.address + " failed " + tag + ": " + code + " " + e.getStatus().getDescription();
        if (code == Status.Code.DEADLINE_EXCEEDED || reason == TransportRefusal.STALE_INCARNATION
            || reason == TransportRefusal.PEER_RESTARTED || reason == TransportRefusal.PEER_LOST || reason == TransportRefusal.CLOSING
            || reason == TransportRefusal.WRONG_RUN || reason == TransportRefusal.NOT_A_PEER || reason == TransportRefusal.UNAUTHENTICATED) {
          throw lose(peer, why); // no retry can cure these
        }
        throw new LinkException(LinkException.Reason.REFUSED, why, e);
      }
    }
  }

  @Override
  public byte[] receive(String from, String tag, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (closed) throw new LinkException(LinkException.Reason.CLOSED, self + "'s link is closed");
    if (!peers.containsKey(from)) {
      throw new LinkException(LinkException.Reason.PEER_LOST, "no party " + from + "; the peers of " + self + " are " + peers());
    }
    byte[] m = mailbox.take(from, tag, timeout);
    stats.received(from, tag, m.length);
    return m;
  }

  @Override
  public LinkStats stats() {
    return stats;
  }

  /**
   * Stops pinging, refuses new calls, and shuts down the server and the channels, each within
   * {@link GrpcLinkSettings#closeDeadline()} before it is forced. Waiting receives fail with
   * CLOSED; peers notice the party gone within their liveness window.
   */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    scheduler.shutdownNow();
    mailbox.close();
    server.shutdown();
    shutdownChannels();
    long end = System.nanoTime() + settings.closeDeadline().toNanos();
    try {
      if (!server.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) server.shutdownNow();
      for (PeerState p : peers.values()) {
        if (!p.channel.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) p.channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
      peers.values().forEach(p -> p.channel.shutdownNow());
    }
  }

  /**
   * Stops at once, as a crash would: the server and channels are dropped without a goodbye and
   * nothing waits. For tests that simulate a party dying inside one JVM.
   */
  void abort() {
    closed = true;
    scheduler.shutdownNow();
    server.shutdownNow();
    peers.values().forEach(p -> p.channel.shutdownNow());
    mailbox.close();
  }

  private void shutdownChannels() {
    for (PeerState p : peers.values()) p.channel.shutdown();
  }

  // ---- reaching a peer and delivering

  /**
   * The incarnation of {@code peer}, pinging it until it answers: until the end of the startup
   * window if it was never reached, else within one send deadline.
   */
  private String reach(PeerState peer, String tag) {
    long end = peer.reached() ? System.nanoTime() + settings.sendDeadline().toNanos()
        : Math.max(startNanos + settings.startupWindow().toNanos(), System.nanoTime() + settings.pingDeadline().toNanos());
    long backoff = FIRST_BACKOFF_MILLIS;
    StatusRuntimeException last = null;
    while (true) {
      String lost = peer.lost();
      if (lost != null) throw new LinkException(LinkException.Reason.PEER_LOST, "lost " + peer.name + " before sending " + tag + ": " + lost);
      if (closed) throw new LinkException(LinkException.Reason.CLOSED, self + "'s link is closed");
      String known = peer.incarnation();
      if (peer.reached() && known != null) return known;
      long left = end - System.nanoTime();
      if (left <= 0) {
        throw lose(peer, peer.name + " at " + peer.address + " could not be reached to send " + tag + " within "
            + (peer.reached() ? "the send deadline" : "the startup window") + describe(last));
      }
      try {
        PingReply reply = peer.blocking.withDeadlineAfter(Math.min(left, settings.pingDeadline().toNanos()), TimeUnit.NANOSECONDS)
            .ping(pingRequest());
        answered(peer, reply);
      } catch (StatusRuntimeException e) {
        last = e;
        hardRefusal(peer, e);
        sleep(Math.min(backoff, Math.max(1, (end - System.nanoTime()) / 1_000_000)), tag);
        backoff = Math.min(2 * backoff, MAX_BACKOFF_MILLIS);
      }
    }
  }

  private void deliver(PeerState peer, String receiverIncarnation, String tag, byte[] payload, long deadlineNanos) {
    CompletableFuture<DeliverAck> result = new CompletableFuture<>();
    Object ready = new Object();
    ClientResponseObserver<DeliverPart, DeliverAck> responses = new ClientResponseObserver<>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<DeliverPart> requests) {
        requests.setOnReadyHandler(() -> {
          synchronized (ready) {
            ready.notifyAll();
          }
        });
      }

      @Override
      public void onNext(DeliverAck value) {
        result.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        result.completeExceptionally(t);
        synchronized (ready) {
          ready.notifyAll();
        }
      }

      @Override
      public void onCompleted() {
        result.complete(null);
      }
    };
    long end = System.nanoTime() + deadlineNanos;
    ClientCallStreamObserver<DeliverPart> requests = (ClientCallStreamObserver<DeliverPart>)
        peer.stub.withDeadlineAfter(deadlineNanos, TimeUnit.NANOSECONDS).deliver(responses);
    try {
      requests.onNext(DeliverPart.newBuilder().setHeader(MessageHeader.newBuilder().setRunId(runId).setTag(tag)
          .setTotalBytes(payload.length).setSenderIncarnation(incarnation).setReceiverIncarnation(receiverIncarnation)).build());
      int at = 0;
      while (at < payload.length && !result.isDone()) {
        synchronized (ready) {
          while (!requests.isReady() && !result.isDone()) {
            long left = end - System.nanoTime();
            if (left <= 0) break;
            ready.wait(Math.max(1, Math.min(left / 1_000_000, 100)));
          }
        }
        if (result.isDone() || System.nanoTime() >= end) break;
        int n = Math.min(settings.chunkBytes(), payload.length - at);
        requests.onNext(DeliverPart.newBuilder().setChunk(ByteString.copyFrom(payload, at, n)).build());
        at += n;
      }
      if (at < payload.length && !result.isDone()) { // the deadline passed mid-message: never end it short
        requests.cancel("the send deadline passed", null);
        throw Status.DEADLINE_EXCEEDED.withDescription("the send deadline passed after " + at + " of " + payload.length + " bytes")
            .asRuntimeException();
      }
      if (!result.isDone()) requests.onCompleted();
      DeliverAck ack = result.get(Math.max(1, end - System.nanoTime()) + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
      if (ack == null || ack.getReceivedBytes() != payload.length) {
        throw new LinkException(LinkException.Reason.REFUSED, peer.name + " acknowledged " + tag + " with "
            + (ack == null ? "no answer" : ack.getReceivedBytes() + " bytes") + " instead of " + payload.length);
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusRuntimeException s) throw s;
      throw new LinkException(LinkException.Reason.REFUSED, peer.name + " failed " + tag + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      requests.cancel("deadline", null);
      throw Status.DEADLINE_EXCEEDED.withDescription("no acknowledgement within the send deadline").asRuntimeException();
    } catch (InterruptedException e) {
      requests.cancel("interrupted", e);
      Thread.currentThread().interrupt();
      throw new LinkException(LinkException.Reason.CLOSED, "interrupted while sending " + tag + " to " + peer.name, e);
    } catch (RuntimeException e) {
      if (!(e instanceof StatusRuntimeException) && !(e instanceof LinkException)) requests.cancel("failed", e);
      throw e;
    }
  }

  // ---- liveness

  private PingRequest pingRequest() {
    return PingRequest.newBuilder().setRunId(runId).setIncarnation(incarnation).build();
  }

  private void pingAll() {
    for (PeerState peer : peers.values()) {
      if (closed || peer.lost() != null || !peer.startPing()) continue;
      try {
        peer.stub.withDeadlineAfter(settings.pingDeadline().toMillis(), TimeUnit.MILLISECONDS).ping(pingRequest(), new StreamObserver<>() {
          @Override
          public void onNext(PingReply reply) {
            answered(peer, reply);
          }

          @Override
          public void onError(Throwable t) {
            peer.pingDone();
            missed(peer, t instanceof StatusRuntimeException s ? s : Status.fromThrowable(t).asRuntimeException());
          }

          @Override
          public void onCompleted() {
            peer.pingDone();
          }
        });
      } catch (RuntimeException e) {
        peer.pingDone();
        if (!closed) missed(peer, Status.fromThrowable(e).asRuntimeException());
      }
    }
  }

  private void answered(PeerState peer, PingReply reply) {
    if (!reply.getParty().equals(peer.name)) {
      lose(peer, peer.address + ", configured as " + peer.name + ", answers as party '" + printable(reply.getParty())
          + "': check the peer addresses");
      return;
    }
    String restarted = peer.contact(reply.getIncarnation());
    if (restarted != null) {
      lose(peer, restarted);
      return;
    }
    peer.answered();
  }

  private void missed(PeerState peer, StatusRuntimeException e) {
    if (closed || peer.lost() != null) return;
    hardRefusal(peer, e);
    if (peer.reached()) {
      int misses = peer.missed();
      if (misses >= settings.pingMisses()) {
        lose(peer, peer.name + " at " + peer.address + " stopped answering: " + misses + " pings in a row failed (one every "
            + settings.pingInterval().toMillis() + " ms)" + describe(e));
      }
    } else if (System.nanoTime() - startNanos > settings.startupWindow().toNanos()) {
      lose(peer, peer.name + " at " + peer.address + " never answered within the startup window of "
          + settings.startupWindow().toMillis() + " ms" + describe(e));
    }
  }

  /** Refusals that no retry can cure (wrong run, not a peer, a restart mid-run) lose the peer at once. */
  private void hardRefusal(PeerState peer, StatusRuntimeException e) {
    TransportRefusal r = TransportRefusal.of(e).orElse(null);
    if (r == TransportRefusal.WRONG_RUN || r == TransportRefusal.NOT_A_PEER || r == TransportRefusal.UNAUTHENTICATED
        || r == TransportRefusal.PEER_LOST) {
      lose(peer, peer.name + " at " + peer.address + " refused " + self + ": " + r + " " + e.getStatus().getDescription());
    }
  }

  private static String describe(StatusRuntimeException e) {
    return e == null ? "" : "; last: " + e.getStatus().getCode() + (e.getStatus().getDescription() == null ? "" : " " + e.getStatus().getDescription());
  }

  // ---- shared with the service

  /** Marks {@code peer} lost with {@code why}: waits for it fail; returns the failure for a sender to throw. */
  LinkException lose(PeerState peer, String why) {
    if (peer.markLost(why)) {
      log.warn("{} lost {}: {}", self, peer.name, why);
      mailbox.peerLost(peer.name, why);
    }
    return new LinkException(LinkException.Reason.PEER_LOST, "lost " + peer.name + ": " + peer.lost());
  }

  PeerState peer(String name) {
    return peers.get(name);
  }

  Mailbox mailbox() {
    return mailbox;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  RateLimitedLog warnings() {
    return warnings;
  }

  private void sleep(long millis, String tag) {
    try {
      Thread.sleep(Math.max(1, millis / 2 + ThreadLocalRandom.current().nextLong(millis / 2 + 1)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LinkException(LinkException.Reason.CLOSED, "interrupted while sending " + tag, e);
    }
  }

  /** Printable ASCII only, at most 128 characters: safe to log and to put in a status. */
  static String printable(String s) {
    String p = s.replaceAll("[^\\x20-\\x7e]", "?");
    return p.length() <= 128 ? p : p.substring(0, 125) + "...";
  }

  /** A host and port parsed from {@code host:port} or {@code [v6]:port}. */
  private record HostPort(String host, int port) {
    static HostPort parse(String what, String address, boolean portZeroAllowed) {
      int colon = address.lastIndexOf(':');
      String bad = what + " address '" + printable(address) + "' must be host:port";
      if (colon <= 0 || colon == address.length() - 1) throw new IllegalArgumentException(bad);
      String host = address.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
      int port;
      try {
        port = Integer.parseInt(address.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(bad + ", the port is not a number");
      }
      if (port < (portZeroAllowed ? 0 : 1) || port > 65535) {
        throw new IllegalArgumentException(what + " address '" + printable(address) + "' has port " + port + ", not in ["
            + (portZeroAllowed ? 0 : 1) + ", 65535]");
      }
      return new HostPort(host, port);
    }
  }

  /**
   * Configures a {@link GrpcPartyLink}. Required: {@link #self}, {@link #listen}, at least one
   * {@link #peer}, {@link #runId}, {@link #tls}; {@link #settings} defaults to
   * {@link GrpcLinkSettings#DEFAULTS}.
   */
  public static final class Builder {
    private String self;
    private String listen;
    private final Map<String, String> peers = new LinkedHashMap<>();
    private String runId;
    private GrpcLinkTls tls;
    private GrpcLinkSettings settings = GrpcLinkSettings.DEFAULTS;

    private Builder() {}

    /** This party's name: the common name of its certificate, 1 to 128 letters, digits, '.', '_', '@', '-'. */
    public Builder self(String name) {
      this.self = checkName("self", name);
      return this;
    }

    /** Where this party's server listens, {@code host:port} (port 0: any free port, see {@link GrpcPartyLink#port()}). */
    public Builder listen(String hostPort) {
      HostPort.parse("listen", Objects.requireNonNull(hostPort, "listen"), true);
      this.listen = hostPort;
      return this;
    }

    /** A peer and the {@code host:port} its server listens on. */
    public Builder peer(String name, String hostPort) {
      checkName("peer", name);
      HostPort.parse("peer " + name, Objects.requireNonNull(hostPort, "peer address"), false);
      if (peers.putIfAbsent(name, hostPort) != null) throw new IllegalArgumentException("peer " + name + " is given twice");
      return this;
    }

    /** Every peer, by name, with its {@code host:port}. */
    public Builder peers(Map<String, String> peers) {
      peers.forEach(this::peer);
      return this;
    }

    /** The run's id, the same for every party: 1 to 128 letters, digits, '.', '_', ':', '@', '-'. */
    public Builder runId(String runId) {
      if (runId == null || !RUN_ID.matcher(runId).matches()) {
        throw new IllegalArgumentException("runId '" + (runId == null ? "null" : printable(runId))
            + "' must be 1 to 128 letters, digits, '.', '_', ':', '@' or '-', starting with a letter or digit");
      }
      this.runId = runId;
      return this;
    }

    /** The party's mutual-TLS files (required: the transport has no plaintext mode). */
    public Builder tls(GrpcLinkTls tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /** Limits, deadlines and liveness settings. */
    public Builder settings(GrpcLinkSettings settings) {
      this.settings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Checks the configuration, binds the server and starts pinging the peers.
     *
     * @throws IllegalArgumentException naming the parameter if one is missing or invalid, or if
     *     the certificate's common name is not {@code self}
     * @throws UncheckedIOException naming the file or address if the TLS files cannot be loaded
     *     or the address cannot be bound
     */
    public GrpcPartyLink start() {
      if (self == null) throw new IllegalArgumentException("self (this party's name) is required");
      if (listen == null) throw new IllegalArgumentException("listen (host:port of " + self + "'s server) is required");
      if (peers.isEmpty()) throw new IllegalArgumentException("at least one peer is required");
      if (peers.containsKey(self)) throw new IllegalArgumentException("peer " + self + " is this party itself");
      if (runId == null) throw new IllegalArgumentException("runId is required");
      if (tls == null) throw new IllegalArgumentException("tls (ca, certificate and key files) is required");
      String named = tls.partyName();
      if (!named.equals(self)) {
        throw new IllegalArgumentException("certificate " + tls.certificate() + " names party '" + printable(named) + "', not self '"
            + self + "': peers identify a party by its certificate");
      }
      return new GrpcPartyLink(this, tls.clientTls().credentials());
    }

    private static String checkName(String what, String name) {
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalArgumentException(what + " name '" + (name == null ? "null" : printable(name))
            + "' must be 1 to 128 letters, digits, '.', '_', '@' or '-', starting with a letter or digit");
      }
      return name;
    }
  }

  /** Lists the peers and addresses in messages. */
  @Override
  public String toString() {
    List<String> ps = new ArrayList<>();
    peers.values().forEach(p -> ps.add(p.name + "@" + p.address));
    return "GrpcPartyLink[" + self + ", run " + runId + ", port " + port() + ", peers " + ps + "]";
  }
}
