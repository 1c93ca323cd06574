package io.lianbang.cli.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianbang.core.check.Require;
import io.lianbang.core.federation.FederationConfig;
import io.lianbang.engine.client.FederatedStandardization;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.grpc.server.ConnectionLimits;
import io.lianbang.grpc.server.PeerLimits;
import io.lianbang.sim.CompressionWiring;
import io.lianbang.sim.spec.AsyncSpec;
import io.lianbang.sim.spec.CompressionSpec;
import io.lianbang.sim.spec.DpMode;
import io.lianbang.sim.spec.PrivacySpec;
import io.lianbang.sim.spec.Seconds;
import io.lianbang.sim.spec.SimulationSpec;
import io.lianbang.sim.spec.StrategySpec;
import io.lianbang.sim.spec.TrainingSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The YAML configuration of {@code lianbang server}. Its {@code strategy}, {@code training} and
 * {@code privacy} sections are those of {@code simulate} ({@link StrategySpec},
 * {@link TrainingSpec}, {@link PrivacySpec}), and so is {@code async} ({@link AsyncSpec}), with the same keys, defaults (except that a server
 * samples 2 clients a round to train and 2 to evaluate, not 10 and 0) and messages; the other keys are what only a server has:
 * where it listens, TLS, who may join, deadlines, limits, files and the key holder. Every value is
 * checked on construction and errors name the key by its YAML path.
 *
 * @param name a short name for the run; with the seed it names the run to the clients
 * @param seed the run seed: the initial model, sampling and noise derive from it
 * @param rounds number of rounds, at least 1
 * @param model the engine model, e.g. {@code logistic:30}; the clients must use the same
 * @param normalize how clients scale their features: {@code federated} (all with the mean and
 *     standard deviation of all clients' training data, from a statistics round before training),
 *     {@code local} (each with its own) or {@code none}
 * @param strategy the server's algorithm, as in {@code simulate}: each round samples
 *     {@code clients_per_round} of the connected clients to train and
 *     {@code evaluate_clients_per_round} to evaluate, waiting for the larger number to connect
 * @param training the local training sent to the clients with every task
 * @param privacy secure aggregation, Paillier aggregation and differential privacy
 * @param compression how models and updates travel, as in {@code simulate}
 * @param async FedBuff instead of synchronous rounds, as in {@code simulate} ({@code rounds} then
 *     counts server updates, each checkpointed); without {@code privacy}, {@code compression},
 *     {@code edges.clients} or {@code training.local_epochs_max}; null means {@link AsyncSpec#off()}
 * @param evaluateEvery federated evaluation every this many rounds (the last round always), at
 *     least 1, as {@code simulate}'s key of the same name
 * @param listen host:port to listen on
 * @param insecure allow plaintext on an address that is not loopback
 * @param tls the server's certificate and, for mutual TLS, the clients' CA; null for plaintext
 * @param clients the allow-list of client identities (certificate CN or token owner); empty
 *     allows any authenticated client
 * @param tokens bearer tokens: client identity to its token (at least 16 characters); secret,
 *     never written out
 * @param allowAnonymous accept clients without certificate or token under the name they give
 *     (test networks only)
 * @param waitForClientsSeconds how long a round waits for {@code strategy.clients_per_round} clients
 * @param heartbeatSeconds how often clients report that they are alive
 * @param checkpoint the checkpoint file, written after every round (server update with
 *     {@code async}); the run resumes from it after a crash; null for none
 * @param output directory for {@code history.csv} and {@code history.json}, written when the run
 *     ends; null for none
 * @param limits bounds on what clients may claim, send and hold open
 * @param keyHolder the key holder the server dials when {@code privacy.paillier.enabled}
 * @param metrics the HTTP endpoint of Prometheus metrics and health checks
 * @param store whether and where the run is recorded; null means {@link StoreConfig#defaults()}
 * @param dashboard the live dashboard of the run; null means none
 * @param edges the clients accepted as edge aggregators (hierarchical aggregation); null means
 *     none
 */
@JsonPropertyOrder({"name", "seed", "rounds", "model", "normalize", "strategy", "training", "privacy", "compression", "async", "evaluate_every", "listen", "insecure", "tls",
    "clients", "tokens", "allow_anonymous", "wait_for_clients_seconds", "heartbeat_seconds", "checkpoint", "output", "limits",
    "key_holder", "metrics", "store", "dashboard", "edges"})
public record ServerSpec(
    String name, long seed, int rounds, String model, String normalize,
    StrategySpec strategy, TrainingSpec training, PrivacySpec privacy, CompressionSpec compression, AsyncSpec async, int evaluateEvery,
    String listen, boolean insecure, Tls tls, List<String> clients, @Secret Map<String, String> tokens, boolean allowAnonymous,
    double waitForClientsSeconds, double heartbeatSeconds, Path checkpoint, Path output, Limits limits, KeyHolder keyHolder,
    Metrics metrics, StoreConfig store, Dashboard dashboard, Edges edges) {

  /** The clients a server counts on each round unless {@code strategy.clients_per_round} says otherwise. */
  public static final int DEFAULT_CLIENTS_PER_ROUND = 2;

  public ServerSpec {
    Objects.requireNonNull(name, "name");
    Require.atLeast("rounds", rounds, 1);
    requireModel(model);
    FederatedStandardization.Mode mode = FederatedStandardization.Mode.parse("normalize", normalize);
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(training, "training");
    Objects.requireNonNull(privacy, "privacy");
    Objects.requireNonNull(compression, "compression");
    CompressionWiring.requireCompatible(compression, privacy);
    async = async == null ? AsyncSpec.off() : async;
    Require.atLeast("evaluate_every", evaluateEvery, 1);
    Objects.requireNonNull(listen, "listen");
    clients = clients == null ? List.of() : List.copyOf(clients);
    tokens = tokens == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(tokens));
    Seconds.check("wait_for_clients_seconds", waitForClientsSeconds);
    Seconds.check("heartbeat_seconds", heartbeatSeconds);
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(keyHolder, "key_holder");
    Objects.requireNonNull(metrics, "metrics");
    store = store == null ? StoreConfig.defaults() : store;
    dashboard = dashboard == null ? Dashboard.defaults() : dashboard;
    edges = edges == null ? Edges.defaults() : edges;
    if (allowAnonymous && (!tokens.isEmpty() || (tls != null && tls.clientCa() != null))) {
      throw new IllegalArgumentException("allow_anonymous: true cannot be combined with " + (tokens.isEmpty() ? "tls.client_ca" : "tokens")
          + ": an anonymous client could register under an authenticated client's name and take over its session");
    }
    if ((tls == null || tls.clientCa() == null) && tokens.isEmpty() && !allowAnonymous) {
      throw new IllegalArgumentException("clients have no way to authenticate: set tls.client_ca (mutual TLS), tokens, "
          + "or allow_anonymous: true (test networks only)");
    }
    if (privacy.paillier().enabled()) {
      if (keyHolder.address() == null || keyHolder.address().isBlank()) {
        throw new IllegalArgumentException("key_holder.address must be set (host:port of 'lianbang keyholder') when privacy.paillier.enabled is true");
      }
      if (mode == FederatedStandardization.Mode.FEDERATED) {
        throw new IllegalArgumentException("normalize " + normalize + " cannot be combined with privacy.paillier.enabled true: the "
            + "statistics round is not Paillier-encrypted and a client that sends only encrypted updates refuses it; use normalize: "
            + "local or none");
      }
    }
    if (async.enabled()) requireAsyncCompatible(privacy, compression, training, edges);
    DpMode dp = privacy.dp().mode();
    if ((dp == DpMode.SERVER || dp == DpMode.CLIENT) && checkpoint != null) {
      throw new IllegalArgumentException("privacy.dp.mode " + dp + " cannot be combined with checkpoint " + checkpoint
          + ": a resumed DP-FedAvg run would restart the privacy accountant and under-report epsilon; remove the checkpoint key");
    }
  }

  /** Refuses, naming the key, what a FedBuff server cannot do yet (the messages are {@code simulate}'s where it refuses the same). */
  private static void requireAsyncCompatible(PrivacySpec privacy, CompressionSpec compression, TrainingSpec training, Edges edges) {
    if (privacy.any()) {
      throw new IllegalArgumentException("async.enabled does not support privacy mechanisms yet (privacy.secagg, privacy.paillier, privacy.dp)");
    }
    if (compression.active()) {
      throw new IllegalArgumentException("async.enabled does not support compression yet (compression.uplink.codec "
          + compression.uplink().codec() + ", compression.downlink.codec " + compression.downlink().codec() + ")");
    }
    if (training.heterogeneous()) {
      throw new IllegalArgumentException("async.enabled does not support training.local_epochs_max " + training.localEpochsMax() + " yet");
    }
    if (!edges.clients().isEmpty()) {
      throw new IllegalArgumentException("async.enabled cannot be combined with edges.clients " + edges.clients()
          + ": FedBuff needs each client's own update, not an edge aggregator's partial sum");
    }
  }

  /**
   * Checks an engine model spec such as {@code logistic:30}.
   *
   * @throws IllegalArgumentException naming the key {@code model} and the problem
   */
  static void requireModel(String model) {
    Objects.requireNonNull(model, "model");
    try {
      ModelSpec.parse(model);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("model: " + e.getMessage(), e);
    }
  }

  /**
   * The defaults of every key as a tree, which a configuration file is merged over: those of
   * {@code simulate} for the shared sections, with {@link #DEFAULT_CLIENTS_PER_ROUND} clients a
   * round, training and evaluating; no model (it has no default) and allow_anonymous false (the
   * file must say how clients authenticate).
   */
  static ObjectNode defaults() {
    StrategySpec s = SimulationSpec.demo().strategy();
    ServerSpec d = new ServerSpec("federation", 42, 10, "logistic:1", "federated",
        new StrategySpec(s.name(), DEFAULT_CLIENTS_PER_ROUND, DEFAULT_CLIENTS_PER_ROUND, s.quorum(), s.roundTimeoutSeconds(), s.params()),
        SimulationSpec.demo().training(), PrivacySpec.none(), CompressionSpec.none(), AsyncSpec.off(), 1, "127.0.0.1:7443", false, null, List.of(), Map.of(), true, 600, 5, null, null,
        Limits.defaults(), KeyHolder.defaults(), Metrics.defaults(), StoreConfig.defaults(), Dashboard.defaults(),
        Edges.defaults());
    ObjectNode tree = ConfigLoader.jsonMapper().valueToTree(d);
    tree.remove("model");
    tree.put("allow_anonymous", false);
    return tree;
  }

  /**
   * The round loop's settings: rounds, seed, the strategy's deadline and quorum, the wait for
   * clients, how often to evaluate, the example cap, compression.
   */
  public FederationConfig federation() {
    Duration roundTimeout = Seconds.of("strategy.round_timeout_seconds", strategy.roundTimeoutSeconds());
    return FederationConfig.builder().rounds(rounds).seed(seed).roundTimeout(roundTimeout).evaluateTimeout(roundTimeout)
        .waitForClients(Seconds.of("wait_for_clients_seconds", waitForClientsSeconds)).quorum(strategy.quorum())
        .evaluateEvery(evaluateEvery).maxExamples(limits.maxExamples())
        .compression(CompressionWiring.compression(compression, privacy)).build();
  }

  /**
   * The settings that decide the run's outcome, besides the seed and the number of rounds, by
   * YAML key: stored in the checkpoint, so that a restart resumes only with the same values.
   * Deadlines, addresses, TLS, who may join and where files go are left out: they may change
   * across a restart.
   */
  public SortedMap<String, String> runDescription() {
    TreeMap<String, String> d = new TreeMap<>();
    d.put("model", ModelSpec.parse(model).toString());
    d.put("normalize", FederatedStandardization.Mode.parse("normalize", normalize).text());
    d.put("limits.max_examples", String.valueOf(limits.maxExamples()));
    ObjectNode tree = ConfigLoader.jsonMapper().valueToTree(this);
    ((ObjectNode) tree.get("strategy")).remove("round_timeout_seconds");
    flatten(d, "strategy", tree.get("strategy"));
    flatten(d, "training", tree.get("training"));
    // the privacy mechanisms that are on, without their deadlines
    ObjectNode secagg = (ObjectNode) tree.get("privacy").get("secagg");
    secagg.remove("stage_timeout_seconds");
    if (privacy.secagg().enabled()) flatten(d, "privacy.secagg", secagg);
    if (privacy.paillier().enabled()) flatten(d, "privacy.paillier", tree.get("privacy").get("paillier"));
    if (privacy.dp().mode() != DpMode.NONE) flatten(d, "privacy.dp", tree.get("privacy").get("dp"));
    if (compression.active()) flatten(d, "compression", tree.get("compression"));
    if (async.enabled()) flatten(d, "async", tree.get("async"));
    return d;
  }

  private static void flatten(TreeMap<String, String> into, String path, JsonNode node) {
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> flatten(into, path + "." + e.getKey(), e.getValue()));
    } else {
      into.put(path, node.asText());
    }
  }

  /**
   * The {@code limits} section: bounds on what clients may claim, send and hold open.
   *
   * @param maxExamples the largest example count a client's result may claim; larger claims are
   *     clipped to it
   * @param maxConcurrentUploads fit results read at once; the rest wait unread
   * @param maxDownloadsPerSession model downloads one session may hold open
   * @param maxMetrics metrics per result
   * @param maxMetricNameLength characters of a metric's name
   * @param maxErrorLength characters of a client's error report
   * @param maxConnections open connections in all
   * @param maxConnectionsPerAddress open connections from one IP address
   * @param handshakeTimeoutSeconds how long a connection may take to complete its TLS and HTTP/2 handshake
   * @param idleTimeoutSeconds how long a connection may stay without any call
   */
  @JsonPropertyOrder({"max_examples", "max_concurrent_uploads", "max_downloads_per_session", "max_metrics", "max_metric_name_length",
      "max_error_length", "max_connections", "max_connections_per_address", "handshake_timeout_seconds", "idle_timeout_seconds"})
  public record Limits(long maxExamples, int maxConcurrentUploads, int maxDownloadsPerSession, int maxMetrics, int maxMetricNameLength,
      int maxErrorLength, int maxConnections, int maxConnectionsPerAddress, double handshakeTimeoutSeconds, double idleTimeoutSeconds) {
    public Limits {
      Require.inRange("limits.max_examples", maxExamples, 1, FederationConfig.MAX_EXAMPLES_LIMIT);
      Seconds.check("limits.handshake_timeout_seconds", handshakeTimeoutSeconds);
      Seconds.check("limits.idle_timeout_seconds", idleTimeoutSeconds);
    }

    /** A million examples; the rest as {@link PeerLimits#defaults()} and {@link ConnectionLimits#defaults()}. */
    static Limits defaults() {
      PeerLimits peer = PeerLimits.defaults();
      ConnectionLimits c = ConnectionLimits.defaults();
      return new Limits(1_000_000, peer.maxConcurrentUploads(), peer.maxDownloadsPerSession(), peer.maxMetrics(),
          peer.maxMetricNameLength(), peer.maxErrorLength(), c.maxConnections(), c.maxConnectionsPerAddress(),
          c.handshakeTimeout().toMillis() / 1000.0, c.idleTimeout().toMillis() / 1000.0);
    }
  }

  /**
   * The {@code key_holder} section: the Paillier key holder ({@code lianbang keyholder}) the
   * server dials when {@code privacy.paillier.enabled}.
   *
   * @param address its host:port
   * @param ca the CA that signed its certificate (TLS); without it only a loopback key holder is
   *     reached, in plaintext
   * @param timeoutSeconds the deadline of each call to it
   */
  @JsonPropertyOrder({"address", "ca", "timeout_seconds"})
  public record KeyHolder(String address, Path ca, double timeoutSeconds) {
    public KeyHolder {
      Seconds.check("key_holder.timeout_seconds", timeoutSeconds);
    }

    static KeyHolder defaults() {
      return new KeyHolder(null, null, 60);
    }
  }

  /**
   * The {@code metrics} section: where the server serves {@code /metrics} (Prometheus),
   * {@code /healthz} and {@code /readyz} over HTTP.
   *
   * @param address the address to listen on; loopback unless an operator chooses otherwise (the
   *     endpoint has no authentication)
   * @param port the port (0 picks a free one); null serves no endpoint
   */
  @JsonPropertyOrder({"address", "port"})
  public record Metrics(String address, Integer port) {
    public Metrics {
      if (address == null || address.isBlank()) throw new IllegalArgumentException("metrics.address must be a host name or address, got '"
          + (address == null ? "" : address) + "'");
      if (port != null) Require.inRange("metrics.port", port, 0, 65535);
    }

    static Metrics defaults() {
      return new Metrics("127.0.0.1", null);
    }
  }

  /**
   * The {@code dashboard} section: the live dashboard of the run, served on 127.0.0.1 (it has no
   * token).
   *
   * @param port the port (0 picks a free one); null serves no dashboard
   */
  public record Dashboard(Integer port) {
    public Dashboard {
      if (port != null) Require.inRange("dashboard.port", port, 0, 65535);
    }

    static Dashboard defaults() {
      return new Dashboard(null);
    }
  }

  /**
   * The {@code edges} section: which clients may answer with an edge aggregator's exact partial
   * sum (hierarchical aggregation; docs/protocol.md).
   *
   * @param clients identities (certificate CN or token owner) accepted as edges; empty refuses
   *     every partial sum
   * @param maxTerms the most client models one partial sum may claim, in [1, 2^20]
   */
  @JsonPropertyOrder({"clients", "max_terms"})
  public record Edges(List<String> clients, int maxTerms) {
    public Edges {
      clients = clients == null ? List.of() : List.copyOf(clients);
      Require.inRange("edges.max_terms", maxTerms, 1, io.lianbang.grpc.server.EdgePolicy.MAX_TERMS_LIMIT);
    }

    static Edges defaults() {
      return new Edges(List.of(), io.lianbang.grpc.server.EdgePolicy.DEFAULT_MAX_TERMS);
    }
  }

  /**
   * The {@code tls} section: PEM files.
   *
   * @param certificate the server's certificate chain
   * @param privateKey its private key (PKCS#8)
   * @param clientCa when set, clients must present a certificate signed by this CA (mutual TLS)
   */
  @JsonPropertyOrder({"certificate", "private_key", "client_ca"})
  public record Tls(Path certificate, Path privateKey, Path clientCa) {
    public Tls {
      if (certificate == null || privateKey == null) {
        throw new IllegalArgumentException("tls needs certificate and private_key (and client_ca for mutual TLS)");
      }
    }
  }
}
