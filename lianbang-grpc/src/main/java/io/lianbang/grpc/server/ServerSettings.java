package io.lianbang.grpc.server;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link FederationServer} treats its clients.
 *
 * @param runId the run's identifier, sent to clients and checked on every upload
 * @param heartbeatInterval how often clients must send a heartbeat; a client silent for three
 *     intervals is dropped and its open tasks fail
 * @param maxPoll the longest a task poll is held when there is nothing to do
 * @param maxChunkBytes the largest tensor chunk sent or accepted, in [4 KiB, 16 MiB]
 * @param allowedClients identities allowed to take part; empty allows every authenticated client
 * @param tokens bearer tokens and the identity each authenticates
 * @param allowAnonymous whether clients without certificate or token may register under a name;
 *     not together with {@code tokens} (nor with mutual TLS), since an anonymous client could then
 *     claim the name of an authenticated one
 * @param limits bounds on what a client may send
 * @param edges the clients accepted as edge aggregators (hierarchical aggregation); default none
 */
public record ServerSettings(
    String runId, Duration heartbeatInterval, Duration maxPoll, int maxChunkBytes,
    Set<String> allowedClients, Map<String, String> tokens, boolean allowAnonymous, PeerLimits limits,
    EdgePolicy edges) {

  /** @throws IllegalArgumentException naming the setting and value if one is out of range */
  public ServerSettings {
    Objects.requireNonNull(runId, "runId");
    if (runId.isBlank()) throw new IllegalArgumentException("runId must not be blank");
    positive("heartbeatInterval", heartbeatInterval);
    positive("maxPoll", maxPoll);
    if (maxChunkBytes < 4096 || maxChunkBytes > (16 << 20)) {
      throw new IllegalArgumentException("maxChunkBytes must be in [4096, 16777216], got " + maxChunkBytes);
    }
    allowedClients = Set.copyOf(allowedClients);
    tokens = Map.copyOf(tokens);
    for (Map.Entry<String, String> t : tokens.entrySet()) {
      if (t.getKey().length() < 16) {
        throw new IllegalArgumentException("the token of client " + t.getValue() + " is too short: at least 16 characters");
      }
    }
    if (allowAnonymous && !tokens.isEmpty()) {
      throw new IllegalArgumentException("allowAnonymous cannot be combined with tokens: an anonymous client could register "
          + "under a token holder's name and take over its session; give every client a token instead");
    }
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(edges, "edges");
  }

  /** Settings without edge aggregators. */
  public ServerSettings(String runId, Duration heartbeatInterval, Duration maxPoll, int maxChunkBytes,
      Set<String> allowedClients, Map<String, String> tokens, boolean allowAnonymous, PeerLimits limits) {
    this(runId, heartbeatInterval, maxPoll, maxChunkBytes, allowedClients, tokens, allowAnonymous, limits, EdgePolicy.NONE);
  }

  /** Settings with {@link PeerLimits#defaults()}. */
  public ServerSettings(String runId, Duration heartbeatInterval, Duration maxPoll, int maxChunkBytes,
      Set<String> allowedClients, Map<String, String> tokens, boolean allowAnonymous) {
    this(runId, heartbeatInterval, maxPoll, maxChunkBytes, allowedClients, tokens, allowAnonymous, PeerLimits.defaults());
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be positive, got " + d);
  }

  /**
   * Defaults: 5 s heartbeats, 20 s polls, 1 MiB chunks, no allow-list, no tokens, anonymous clients
   * refused, {@link PeerLimits#defaults()}.
   */
  public static ServerSettings defaults(String runId) {
    return new ServerSettings(runId, Duration.ofSeconds(5), Duration.ofSeconds(20), 1 << 20, Set.of(), Map.of(), false,
        PeerLimits.defaults());
  }

  public ServerSettings withHeartbeatInterval(Duration d) {
    return new ServerSettings(runId, d, maxPoll, maxChunkBytes, allowedClients, tokens, allowAnonymous, limits, edges);
  }

  public ServerSettings withMaxPoll(Duration d) {
    return new ServerSettings(runId, heartbeatInterval, d, maxChunkBytes, allowedClients, tokens, allowAnonymous, limits, edges);
  }

  public ServerSettings withMaxChunkBytes(int n) {
    return new ServerSettings(runId, heartbeatInterval, maxPoll, n, allowedClients, tokens, allowAnonymous, limits, edges);
  }

  public ServerSettings withAllowedClients(Set<String> ids) {
    return new ServerSettings(runId, heartbeatInterval, maxPoll, maxChunkBytes, ids, tokens, allowAnonymous, limits, edges);
  }

  public ServerSettings withTokens(Map<String, String> tokenToClient) {
    return new ServerSettings(runId, heartbeatInterval, maxPoll, maxChunkBytes, allowedClients, tokenToClient, allowAnonymous, limits, edges);
  }

  public ServerSettings withAllowAnonymous(boolean v) {
    return new ServerSettings(runId, heartbeatInterval, maxPoll, maxChunkBytes, allowedClients, tokens, v, limits, edges);
  }

  /** A copy that accepts partial sums from the edge aggregators {@code e}. */
  public ServerSettings withEdges(EdgePolicy e) {
    return new ServerSettings(runId, heartbeatInterval, maxPoll, maxChunkBytes, allowedClients, tokens, allowAnonymous, limits, e);
  }

  /** A copy with {@code l} as the bounds on what a client may send. */
  public ServerSettings withLimits(PeerLimits l) {
    return new ServerSettings(runId, heartbeatInterval, maxPoll, maxChunkBytes, allowedClients, tokens, allowAnonymous, l, edges);
  }
}
