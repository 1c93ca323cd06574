package io.lianbang.grpc.server;

import io.lianbang.core.client.ClientProxy;
import io.lianbang.core.federation.ClientPool;
import io.lianbang.core.federation.TrafficMeter;
import io.lianbang.core.tensor.Parameters;
import io.lianbang.grpc.RefusalReason;
import io.lianbang.grpc.proto.v1.ParametersSpec;
import io.lianbang.grpc.wire.TensorSpecs;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remote clients currently registered with a {@link FederationServer}. A client is available
 * from its registration until it registers again (the new session replaces the old), or sends
 * nothing for three heartbeat intervals, when it is dropped and its open tasks fail at once, so
 * the round does not wait for its deadline. A dropped session's poll ends with
 * {@code NOT_FOUND} "unknown session" (register again), a replaced one's with {@code ABORTED}
 * (another registration took the identity), and every poll with {@code UNAVAILABLE} when the
 * server shuts down: only {@link #finish} tells clients the run is over. Thread-safe.
 */
public final class GrpcClientPool implements ClientPool {
  private static final Logger log = LoggerFactory.getLogger(GrpcClientPool.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String runId;
  private final Duration heartbeatInterval;
  private final ScheduledExecutorService timer;
  private final TreeMap<String, RemoteClient> byId = new TreeMap<>();
  private final Map<String, RemoteClient> bySession = new ConcurrentHashMap<>();
  private final ScheduledFuture<?> reaper;
  private volatile boolean finished;
  private volatile String finishReason = "the run is complete";
  private volatile Parameters expectedModel;
  private final TrafficMeter traffic = new TrafficMeter();
  private final ClientTraffic clientTraffic = new ClientTraffic();
  /** Per identity, its latest session, live or not (guarded by this); the most recent {@link #STARTS_REMEMBERED}. */
  private final Map<String, RemoteClient> latest = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, RemoteClient> eldest) {
      return size() > STARTS_REMEMBERED;
    }
  };

  GrpcClientPool(String runId, Duration heartbeatInterval, ScheduledExecutorService timer) {
    this.runId = runId;
    this.heartbeatInterval = heartbeatInterval;
    this.timer = timer;
    long period = Math.max(10, heartbeatInterval.toMillis() / 2);
    this.reaper = timer.scheduleWithFixedDelay(this::dropSilent, period, period, TimeUnit.MILLISECONDS);
  }

  String runId() {
    return runId;
  }

  /** The bytes of task calls, measured at the transport by {@link TransportTraffic}. */
  @Override
  public Optional<TrafficMeter> trafficMeter() {
    return Optional.of(traffic);
  }

  /** The bytes of task calls per client. */
  ClientTraffic clientTraffic() {
    return clientTraffic;
  }

  /** Every identity of {@link #latest}, by id, as {@link FederationServer#clientSnapshot} describes. */
  synchronized List<ClientSnapshot> snapshot() {
    List<ClientSnapshot> all = new ArrayList<>(latest.size());
    for (RemoteClient c : latest.values()) {
      all.add(new ClientSnapshot(c.id, byId.get(c.id) == c, c.lastSeen(), clientTraffic.uplink(c.id), clientTraffic.downlink(c.id)));
    }
    all.sort(java.util.Comparator.comparing(ClientSnapshot::id));
    return all;
  }

  ScheduledExecutorService timer() {
    return timer;
  }

  boolean finished() {
    return finished;
  }

  /** Why the run ended, or null while it goes on. */
  String finishReason() {
    return finished ? finishReason : null;
  }

  /** From now on, clients that declare a model layout other than {@code model}'s are refused at registration. */
  void expectLayout(Parameters model) {
    this.expectedModel = model;
  }

  /**
   * Why a client declaring the model layout {@code declared} cannot join, naming both layouts, or
   * null if it may (no layout is expected, or it matches).
   */
  String layoutMismatch(ParametersSpec declared) {
    Parameters expected = expectedModel;
    if (expected == null) return null;
    String difference = TensorSpecs.mismatch(expected, declared);
    if (difference == null) return null;
    return "model layout mismatch: the client's model_layout is " + TensorSpecs.describe(declared) + " but the server's model is "
        + TensorSpecs.describe(TensorSpecs.of(expected)) + " (" + difference + ")";
  }

  /** Identities remembered with the round of the last broadcast start they received. */
  private static final int STARTS_REMEMBERED = 1 << 16;
  /** Per identity, the round of the last broadcast start streamed to it in full: survives its sessions. */
  private final Map<String, Integer> startsDelivered = Collections.synchronizedMap(
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
          return size() > STARTS_REMEMBERED;
        }
      });

  /** Records that {@code client} received the broadcast start of {@code round} in full. */
  void startDelivered(RemoteClient client, int round) {
    client.startDelivered(round);
    startsDelivered.put(client.id, round);
  }

  /**
   * Opens a session for {@code clientId} that can encode and decode {@code codecs}, replacing (and
   * dropping) any previous one.
   */
  RemoteClient register(String clientId, List<String> codecs) {
    byte[] token = new byte[16];
    RANDOM.nextBytes(token);
    RemoteClient fresh = new RemoteClient(clientId, HexFormat.of().formatHex(token), codecs, startsDelivered.getOrDefault(clientId, 0));
    RemoteClient previous;
    synchronized (this) {
      previous = byId.put(clientId, fresh);
      latest.put(clientId, fresh);
      bySession.put(fresh.sessionId, fresh);
      if (previous != null) bySession.remove(previous.sessionId);
      notifyAll();
    }
    if (previous != null) {
      previous.drop("client " + clientId + " registered again; the tasks of its previous session are abandoned",
          RefusalReason.SESSION_REPLACED.refusal("session replaced: client " + clientId + " registered again (another process with "
              + "the same identity?); this session is over"));
      log.info("client {} registered again (new session)", clientId);
    } else {
      log.info("client {} registered; {} available", clientId, available().size());
    }
    if (finished) fresh.finish(runId, finishReason);
    return fresh;
  }

  /** The session with this id, or null. */
  RemoteClient session(String sessionId) {
    return bySession.get(sessionId);
  }

  /** Ends a session: its open tasks fail with {@code reason}. */
  void drop(RemoteClient client, String reason) {
    synchronized (this) {
      if (byId.get(client.id) == client) byId.remove(client.id);
      bySession.remove(client.sessionId);
    }
    client.drop(reason, RefusalReason.UNKNOWN_SESSION.refusal("unknown session '" + client.sessionId + "': " + reason + "; register again"));
    log.warn("client {} dropped: {}", client.id, reason);
  }

  private void dropSilent() {
    long limit = heartbeatInterval.toNanos() * 3;
    List<RemoteClient> silent = new ArrayList<>();
    synchronized (this) {
      for (RemoteClient c : byId.values()) if (c.silentNanos() > limit) silent.add(c);
    }
    for (RemoteClient c : silent) {
      drop(c, "client " + c.id + " sent nothing for " + c.silentNanos() / 1_000_000 + " ms (heartbeat interval "
          + heartbeatInterval.toMillis() + " ms)");
    }
  }

  /** The live session of {@code clientId}, or null. */
  synchronized RemoteClient live(String clientId) {
    return byId.get(clientId);
  }

  /**
   * Queues {@code task} for the live session of {@code clientId} ({@link PendingTask#dispatch});
   * fails at once with {@link ClientGoneException} if the client is not connected.
   */
  <T> CompletableFuture<T> send(String clientId, PendingTask task, Class<T> type) {
    RemoteClient client = live(clientId);
    if (client == null) return CompletableFuture.failedFuture(new ClientGoneException("client " + clientId + " is no longer connected"));
    return task.dispatch(client, runId, type);
  }

  /** Tells every client, now and whenever it polls from now on, that the run is over. */
  void finish(String reason) {
    finishReason = reason;
    finished = true;
    List<RemoteClient> all;
    synchronized (this) {
      all = new ArrayList<>(byId.values());
    }
    for (RemoteClient c : all) c.finish(runId, reason);
  }

  synchronized boolean allToldFinished() {
    for (RemoteClient c : byId.values()) if (!c.toldFinished) return false;
    return true;
  }

  void close() {
    reaper.cancel(false);
    List<RemoteClient> all;
    synchronized (this) {
      all = new ArrayList<>(byId.values());
      byId.clear();
      bySession.clear();
      notifyAll();
    }
    for (RemoteClient c : all) {
      if (finished) c.finish(runId, finishReason);
      c.drop("the server is shutting down", RefusalReason.SERVER_SHUTTING_DOWN.refusal("the server is shutting down; retry"));
    }
  }

  @Override
  public synchronized List<String> available() {
    return List.copyOf(byId.keySet());
  }

  @Override
  public Optional<ClientProxy> get(String id) {
    return live(id) == null ? Optional.empty() : Optional.of(new GrpcClientProxy(id, this));
  }

  @Override
  public synchronized boolean awaitAvailable(int count, Instant deadline) throws InterruptedException {
    while (byId.size() < count) {
      long millis = Duration.between(Instant.now(), deadline).toMillis();
      if (millis <= 0) return false;
      wait(millis);
    }
    return true;
  }
}
