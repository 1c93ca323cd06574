package io.lianbang.cli.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import io.lianbang.grpc.server.ConnectionLimits;
import io.lianbang.grpc.server.PeerLimits;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianbang.engine.nn.ModelSpec;
import io.lianbang.sim.spec.PrivacySpec;
import io.lianbang.sim.spec.SimulationSpec;
import io.lianbang.sim.spec.TrainingSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The YAML configuration of {@code lianbang server}: the run (model, rounds, seed, strategy,
 * local training sent to clients), where to listen, TLS, who may take part, where to checkpoint
 * and where to write the history. Keys are snake_case; unknown keys are errors.
 */
@JsonPropertyOrder({"name", "seed", "rounds", "model", "listen", "insecure", "tls", "clients", "tokens", "allow_anonymous", "min_clients",
    "fraction_evaluate", "strategy", "privacy", "quorum", "round_timeout_seconds", "wait_for_clients_seconds", "heartbeat_seconds",
    "checkpoint", "output", "normalize", "training"})
public final class ServerConfig {
  public String name = "federation";
  public long seed = 42;
  public int rounds = 10;
  /** An engine model spec such as {@code logistic:30}; the initial model derives from the seed. */
  public String model;
  /** host:port to listen on. */
  public String listen = "127.0.0.1:7443";
  public boolean insecure;
  @JsonSetter(nulls = Nulls.SKIP)
  public Tls tls;
  /** The allow-list of client identities (certificate CN or token owner); empty allows any authenticated client. */
  @JsonSetter(nulls = Nulls.SKIP)
  public List<String> clients = new ArrayList<>();
  /** Bearer tokens: client identity to its token (at least 16 characters); secret, never written out. */
  @Secret
  @JsonSetter(nulls = Nulls.SKIP)
  public TreeMap<String, String> tokens = new TreeMap<>();
  /** Accept clients without certificate or token under the name they give (test networks only). */
  public boolean allowAnonymous;
  public int minClients = 2;
  public double fractionEvaluate = 1.0;
  @JsonSetter(nulls = Nulls.SKIP)
  public Strategy strategy = new Strategy();
  @JsonSetter(nulls = Nulls.SKIP)
  public Privacy privacy = new Privacy();
  public double quorum = 0.5;
  public double roundTimeoutSeconds = 600;
  public double waitForClientsSeconds = 600;
  public double heartbeatSeconds = 5;
  /** The checkpoint file; the run resumes from it after a crash. Empty for none. */
  public String checkpoint;
  /** Directory for {@code history.csv} and {@code history.json}, written when the run ends. Empty for none. */
  public String output;
  /**
   * How clients scale their features: {@code federated} (all with the mean and standard deviation
   * of all clients' training data, from a statistics round before training), {@code local} (each
   * with its own) or {@code none}.
   */
  public String normalize = "federated";
  @JsonSetter(nulls = Nulls.SKIP)
  public TrainingSpec training = SimulationSpec.demo().training();
  @JsonSetter(nulls = Nulls.SKIP)
  public Limits limits = new Limits();

  /**
   * The settings that decide the run's outcome, besides the seed and the number of rounds, by
   * YAML key: stored in the checkpoint, so that a restart resumes only with the same values.
   * Deadlines, addresses, TLS, who may join and where files go are left out: they may change
   * across a restart.
   *
   * @throws IllegalArgumentException if the model spec is invalid
   */
  public SortedMap<String, String> runDescription() {
    TreeMap<String, String> d = new TreeMap<>();
    d.put("model", ModelSpec.parse(model).toString());
    d.put("min_clients", String.valueOf(minClients));
    d.put("fraction_evaluate", String.valueOf(fractionEvaluate));
    d.put("quorum", String.valueOf(quorum));
    d.put("normalize", normalize);
    d.put("limits.max_examples", String.valueOf(limits.maxExamples));
    d.put("strategy.name", strategy.name);
    strategy.params.forEach((k, v) -> d.put("strategy.params." + k, String.valueOf(v)));
    flatten(d, "training.", ConfigLoader.jsonMapper().valueToTree(training));
    ObjectNode secagg = ConfigLoader.jsonMapper().valueToTree(privacy.secagg);
    secagg.remove("stage_timeout_seconds");
    flatten(d, "privacy.secagg.", secagg);
    if (privacy.paillier.enabled) {
      d.put("privacy.paillier.enabled", "true");
      d.put("privacy.paillier.key_bits", String.valueOf(privacy.paillier.keyBits));
    }
    if (privacy.dp.mode() != io.lianbang.sim.spec.DpMode.NONE) {
      flatten(d, "privacy.dp.", ConfigLoader.jsonMapper().valueToTree(privacy.dp));
    }
    return d;
  }

  private static void flatten(TreeMap<String, String> into, String prefix, ObjectNode section) {
    section.fields().forEachRemaining(e -> into.put(prefix + e.getKey(), e.getValue().asText()));
  }

  /**
   * The {@code strategy} section: a strategy of the library by name (as in {@code simulate}) and
   * its hyper-parameters. Every round trains all connected clients, at least {@code min_clients}.
   */
  /** The {@code limits} section: bounds on what clients may claim, send and hold open. */
  @JsonPropertyOrder({"max_examples", "max_concurrent_uploads", "max_downloads_per_session", "max_metrics", "max_metric_name_length",
      "max_error_length", "max_connections", "max_connections_per_address", "handshake_timeout_seconds", "idle_timeout_seconds"})
  public static final class Limits {
    private static final PeerLimits PEER = PeerLimits.defaults();
    private static final ConnectionLimits CONNECTIONS = ConnectionLimits.defaults();

    /** A client's result may claim at most this many examples; larger claims are clipped to it. */
    public long maxExamples = 1_000_000;
    public int maxConcurrentUploads = PEER.maxConcurrentUploads();
    public int maxDownloadsPerSession = PEER.maxDownloadsPerSession();
    public int maxMetrics = PEER.maxMetrics();
    public int maxMetricNameLength = PEER.maxMetricNameLength();
    public int maxErrorLength = PEER.maxErrorLength();
    public int maxConnections = CONNECTIONS.maxConnections();
    public int maxConnectionsPerAddress = CONNECTIONS.maxConnectionsPerAddress();
    public double handshakeTimeoutSeconds = CONNECTIONS.handshakeTimeout().toMillis() / 1000.0;
    public double idleTimeoutSeconds = CONNECTIONS.idleTimeout().toMillis() / 1000.0;
  }

  @JsonPropertyOrder({"name", "params"})
  public static final class Strategy {
    public String name = "fedavg";
    @JsonSetter(nulls = Nulls.SKIP)
    public TreeMap<String, Double> params = new TreeMap<>();
  }

  /**
   * The {@code privacy} section: {@code secagg} (SecAgg+), {@code paillier} (Paillier aggregation
   * with a separate key holder) and {@code dp} (differential privacy) with the keys of
   * {@code simulate}'s {@code privacy} section; clients join secure aggregation with
   * {@code lianbang client --secagg}, Paillier aggregation with {@code --paillier}, and learn the
   * DP mode from their tasks.
   */
  @JsonPropertyOrder({"secagg", "paillier", "dp"})
  public static final class Privacy {
    @JsonSetter(nulls = Nulls.SKIP)
    public PrivacySpec.SecAgg secagg = PrivacySpec.SecAgg.disabled();

    @JsonSetter(nulls = Nulls.SKIP)
    public Paillier paillier = new Paillier();

    @JsonSetter(nulls = Nulls.SKIP)
    public PrivacySpec.Dp dp = PrivacySpec.Dp.none();

    /**
     * The validated settings, as {@code simulate} validates them.
     *
     * @throws IllegalArgumentException naming the key and the value, or the combination that cannot work
     */
    public PrivacySpec toSpec() {
      return new PrivacySpec(secagg, new PrivacySpec.Paillier(paillier.enabled, paillier.keyBits), dp);
    }
  }

  /**
   * The {@code privacy.paillier} section: {@code simulate}'s keys plus the key holder the server
   * dials ({@code lianbang keyholder}); {@code key_bits} is the smallest key the server accepts.
   */
  @JsonPropertyOrder({"enabled", "key_bits", "key_holder", "key_holder_ca", "key_holder_timeout_seconds"})
  public static final class Paillier {
    public boolean enabled;
    public int keyBits = 2048;
    /** The key holder's host:port. */
    public String keyHolder;
    /** The CA that signed the key holder's certificate (TLS); without it only a loopback key holder is reached, in plaintext. */
    public String keyHolderCa;
    /** The deadline of each call to the key holder. */
    public double keyHolderTimeoutSeconds = 60;
  }

  /** The {@code tls} section: PEM files. */
  @JsonPropertyOrder({"certificate", "private_key", "client_ca"})
  public static final class Tls {
    public String certificate;
    public String privateKey;
    /** When set, clients must present a certificate signed by this CA (mutual TLS). */
    public String clientCa;
  }
}
