package io.lianbang.cli.config;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lianbang.core.check.Require;
import io.lianbang.vertical.boost.BoostParams;
import io.lianbang.vertical.boost.SecureBoostGuest;
import io.lianbang.vertical.grpc.GrpcLinkSettings;
import io.lianbang.vertical.grpc.GrpcLinkTls;
import io.lianbang.vertical.lr.HeteroLrParams;
import io.lianbang.vertical.psi.PsiReveal;
import io.lianbang.vertical.psi.PsiSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The configuration of {@code lianbang vertical psi} and {@code lianbang vertical train}: one YAML
 * file shared by every party of a vertical run, each party reading only its own entry's data path.
 * Defaults come from the vertical module's own defaults ({@link HeteroLrParams#DEFAULTS},
 * {@link BoostParams#DEFAULTS}, {@link PsiSettings#DEFAULTS}, {@link GrpcLinkSettings#DEFAULTS});
 * durations are keys ending in {@code _seconds}. Every value is checked on construction and errors
 * name the key (YAML path) and the value.
 *
 * @param runId the run's id, the same for every party (required; letters, digits, '.', '_', ':', '@', '-')
 * @param algorithm what {@code train} trains: {@code hetero_lr} (guest, hosts, arbiter) or
 *     {@code secureboost} (guest and hosts)
 * @param parties party name → role, address and data; exactly one guest, at least one host, one
 *     arbiter for {@code hetero_lr} and none for {@code secureboost}
 * @param tls PEM files; each may contain {@code {party}}, replaced by the party's name
 * @param link the transport's deadlines and liveness
 * @param psi the private set intersection that aligns the rows
 * @param heteroLr hetero logistic regression's parameters
 * @param secureboost SecureBoost's parameters
 * @param validation the held-out share of the intersection
 * @param output where each party writes its files ({@code <directory>/<party>/})
 */
@JsonPropertyOrder({"run_id", "algorithm", "parties", "tls", "link", "psi", "hetero_lr", "secureboost", "validation", "output"})
public record VerticalSpec(String runId, Algorithm algorithm, Map<String, Party> parties, Tls tls, Link link, Psi psi, HeteroLr heteroLr,
    SecureBoost secureboost, Validation validation, Output output) {
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,127}");
  /** The longest duration a {@code *_seconds} key accepts: 7 days. */
  static final double MAX_SECONDS = 604_800;

  /** The trained model. */
  public enum Algorithm {
    /** Hetero logistic regression with an arbiter ({@code io.lianbang.vertical.lr}). */
    HETERO_LR,
    /** SecureBoost ({@code io.lianbang.vertical.boost}). */
    SECUREBOOST;

    /** The configuration word, e.g. {@code hetero_lr}. */
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A party's role. */
  public enum Role {
    /** Holds the labels (and features); the PSI receiver by default. */
    GUEST,
    /** Holds features. */
    HOST,
    /** Holds hetero LR's Paillier key; no data. */
    ARBITER;

    /** The configuration word, e.g. {@code guest}. */
    @Override
    public String toString() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Checks the combination of parties, roles and algorithm. */
  public VerticalSpec {
    if (runId == null || !RUN_ID.matcher(runId).matches()) {
      throw new IllegalArgumentException("run_id must be 1 to 128 letters, digits, '.', '_', ':', '@' or '-' starting with a letter or digit, got "
          + (runId == null ? "nothing (null)" : "'" + runId + "'"));
    }
    Require.oneOf("algorithm", algorithm, Algorithm.class);
    parties = Collections.unmodifiableMap(new TreeMap<>(parties == null ? Map.of() : parties));
    int guests = 0;
    int arbiters = 0;
    int hosts = 0;
    for (Map.Entry<String, Party> e : parties.entrySet()) {
      String key = "parties." + e.getKey();
      if (!NAME.matcher(e.getKey()).matches()) {
        throw new IllegalArgumentException("parties: the name '" + e.getKey() + "' must be 1 to 128 letters, digits, '.', '_', '@' or '-'");
      }
      Party p = e.getValue();
      if (p == null) throw new IllegalArgumentException(key + " must be a section with role and address, got nothing (null)");
      Require.oneOf(key + ".role", p.role(), Role.class);
      if (p.address() == null || p.address().isBlank()) throw new IllegalArgumentException(key + ".address must be host:port, got nothing (null)");
      switch (p.role()) {
        case GUEST -> guests++;
        case HOST -> hosts++;
        case ARBITER -> arbiters++;
      }
      if (p.role() != Role.ARBITER && p.data() == null) throw new IllegalArgumentException(key + ".data must be the party's CSV file, got nothing (null)");
      if (p.role() == Role.ARBITER && p.data() != null) throw new IllegalArgumentException(key + ".data: an arbiter holds no data, got " + p.data());
    }
    if (guests != 1) throw new IllegalArgumentException("parties must have exactly one guest (role: guest), got " + guests + namesOf(parties, Role.GUEST));
    if (hosts < 1) throw new IllegalArgumentException("parties must have at least one host (role: host), got none");
    if (algorithm == Algorithm.HETERO_LR && arbiters != 1) {
      throw new IllegalArgumentException("parties must have exactly one arbiter (role: arbiter) for algorithm hetero_lr, got " + arbiters
          + namesOf(parties, Role.ARBITER));
    }
    if (algorithm == Algorithm.SECUREBOOST && arbiters != 0) {
      throw new IllegalArgumentException("parties must have no arbiter for algorithm secureboost (the guest holds the key), got "
          + namesOf(parties, Role.ARBITER).strip());
    }
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(link, "link");
    Objects.requireNonNull(psi, "psi");
    Objects.requireNonNull(heteroLr, "hetero_lr");
    Objects.requireNonNull(secureboost, "secureboost");
    Objects.requireNonNull(validation, "validation");
    Objects.requireNonNull(output, "output");
  }

  private static String namesOf(Map<String, Party> parties, Role role) {
    List<String> names = new ArrayList<>();
    parties.forEach((n, p) -> {
      if (p.role() == role) names.add(n);
    });
    return names.isEmpty() ? "" : " " + names;
  }

  /** The names of the parties in {@code role}, in name order. */
  public List<String> named(Role role) {
    return parties.entrySet().stream().filter(e -> e.getValue().role() == role).map(Map.Entry::getKey).toList();
  }

  /** The guest's name. */
  public String guest() {
    return named(Role.GUEST).get(0);
  }

  /** The hosts' names, in name order. */
  public List<String> hosts() {
    return named(Role.HOST);
  }

  /**
   * One party.
   *
   * @param role guest, host or arbiter
   * @param address host:port its server listens on and its peers dial
   * @param data its CSV file (.csv or .csv.gz: column id, y for the guest, features); none for the arbiter
   */
  @JsonPropertyOrder({"role", "address", "data"})
  public record Party(Role role, String address, Path data) {}

  /**
   * The TLS files, PEM; {@code {party}} in a value is replaced by the party's name. The defaults
   * are the files of {@code lianbang certs --out certs --clients guest,host,arbiter}, whose
   * {@code server.pem} serves every party of one machine.
   *
   * @param ca the authority of every certificate
   * @param certificate the party's certificate, its CN the party's name
   * @param privateKey its key
   * @param serverCertificate the certificate the party's server presents
   * @param serverKey its key
   */
  @JsonPropertyOrder({"ca", "certificate", "private_key", "server_certificate", "server_key"})
  public record Tls(String ca, String certificate, String privateKey, String serverCertificate, String serverKey) {
    /** Every file is required. */
    public Tls {
      for (String[] kv : new String[][] {{"ca", ca}, {"certificate", certificate}, {"private_key", privateKey},
          {"server_certificate", serverCertificate}, {"server_key", serverKey}}) {
        if (kv[1] == null || kv[1].isBlank()) throw new IllegalArgumentException("tls." + kv[0] + " must be a PEM file, got nothing (null)");
      }
    }

    /** The files of {@code party}, relative paths against the current directory. */
    public GrpcLinkTls resolve(String party) {
      return new GrpcLinkTls(path(ca, party), path(certificate, party), path(privateKey, party), path(serverCertificate, party),
          path(serverKey, party));
    }

    private static Path path(String pattern, String party) {
      return ConfigLoader.toPath(pattern.replace("{party}", party));
    }

    static Tls defaults() {
      return new Tls("certs/ca.pem", "certs/client-{party}.pem", "certs/client-{party}-key.pem", "certs/server.pem", "certs/server-key.pem");
    }
  }

  /**
   * The transport's deadlines ({@link GrpcLinkSettings}).
   *
   * @param startupWindowSeconds how long a party waits for a peer it never reached: parties may start in any order within it
   * @param sendDeadlineSeconds how long one message may take to be delivered
   * @param pingIntervalSeconds how often a party pings each peer
   * @param pingMisses pings in a row a peer may miss before it is lost
   * @param pingDeadlineSeconds how long one ping may take
   */
  @JsonPropertyOrder({"startup_window_seconds", "send_deadline_seconds", "ping_interval_seconds", "ping_misses", "ping_deadline_seconds"})
  public record Link(double startupWindowSeconds, double sendDeadlineSeconds, double pingIntervalSeconds, int pingMisses, double pingDeadlineSeconds) {
    /** Checks each value. */
    public Link {
      settings(startupWindowSeconds, sendDeadlineSeconds, pingIntervalSeconds, pingMisses, pingDeadlineSeconds);
    }

    /** The link settings. */
    public GrpcLinkSettings settings() {
      return settings(startupWindowSeconds, sendDeadlineSeconds, pingIntervalSeconds, pingMisses, pingDeadlineSeconds);
    }

    private static GrpcLinkSettings settings(double startup, double send, double interval, int misses, double ping) {
      return GrpcLinkSettings.DEFAULTS.withStartupWindow(seconds("link.startup_window_seconds", startup))
          .withSendDeadline(seconds("link.send_deadline_seconds", send))
          .withLiveness(seconds("link.ping_interval_seconds", interval), (int) Require.inRange("link.ping_misses", misses, 1, 1000),
              seconds("link.ping_deadline_seconds", ping));
    }

    static Link defaults() {
      GrpcLinkSettings d = GrpcLinkSettings.DEFAULTS;
      return new Link(secondsOf(d.startupWindow()), secondsOf(d.sendDeadline()), secondsOf(d.pingInterval()), d.pingMisses(),
          secondsOf(d.pingDeadline()));
    }
  }

  /**
   * The private set intersection that aligns the rows ({@link PsiSettings}); the guest runs it with
   * every host.
   *
   * @param receiver who learns the intersection first: {@code guest} or {@code host}
   * @param batchSize ids per message
   * @param threads threads for hashing and blinding; none: the available processors, at most 8
   * @param timeoutSeconds the longest wait for one PSI message
   * @param reveal what the sender learns: {@code none}, {@code size} or {@code intersection} ({@code train} needs intersection)
   */
  @JsonPropertyOrder({"receiver", "batch_size", "threads", "timeout_seconds", "reveal"})
  public record Psi(String receiver, int batchSize, Integer threads, double timeoutSeconds, String reveal) {
    /** Checks each value. */
    public Psi {
      Require.oneOf("psi.receiver", receiver, "guest", "host");
      settingsOf(batchSize, threads, timeoutSeconds, reveal);
    }

    /** Whether the guest is the receiver. */
    public boolean guestReceives() {
      return receiver.equals("guest");
    }

    /** The PSI settings. */
    public PsiSettings settings() {
      return settingsOf(batchSize, threads, timeoutSeconds, reveal);
    }

    private static PsiSettings settingsOf(int batchSize, Integer threads, double timeoutSeconds, String reveal) {
      PsiReveal r = word("psi.reveal", reveal, PsiReveal.class);
      Duration timeout = seconds("psi.timeout_seconds", timeoutSeconds);
      int t = threads == null ? PsiSettings.DEFAULTS.threads() : threads;
      PsiSettings d = PsiSettings.DEFAULTS;
      return rename("psi", () -> new PsiSettings(batchSize, t, timeout, r, d.maxPeerIds(), d.domain()));
    }

    static Psi defaults() {
      PsiSettings d = PsiSettings.DEFAULTS;
      return new Psi("guest", d.batchSize(), null, secondsOf(d.timeout()), lower(d.reveal()));
    }
  }

  /**
   * Hetero logistic regression ({@link HeteroLrParams}, whose javadoc gives each parameter's
   * meaning and FATE's defaults); the enumerations as lowercase words.
   *
   * @param learningRate base learning rate
   * @param decay learning-rate decay
   * @param decaySqrt whether the rate decays as η/√(1 + δt)
   * @param penalty {@code none} or {@code l2}
   * @param alpha L2 strength
   * @param optimizer {@code sgd} or {@code rmsprop}
   * @param maxIter iterations at most
   * @param batchSize rows per mini-batch, -1 for the full batch
   * @param seed seed of the mini-batch shuffles
   * @param earlyStop {@code diff}, {@code abs} or {@code weight_diff}
   * @param tol tolerance of the convergence test
   * @param keyBits the arbiter's Paillier modulus size
   * @param fractionBits fraction bits of the fixed-point encoding
   * @param timeoutSeconds the deadline of every receive
   */
  @JsonPropertyOrder({"learning_rate", "decay", "decay_sqrt", "penalty", "alpha", "optimizer", "max_iter", "batch_size", "seed", "early_stop", "tol",
      "key_bits", "fraction_bits", "timeout_seconds"})
  public record HeteroLr(double learningRate, double decay, boolean decaySqrt, String penalty, double alpha, String optimizer, int maxIter,
      int batchSize, long seed, String earlyStop, double tol, int keyBits, int fractionBits, double timeoutSeconds) {
    /** Checks each value. */
    public HeteroLr {
      paramsOf(learningRate, decay, decaySqrt, penalty, alpha, optimizer, maxIter, batchSize, seed, earlyStop, tol, keyBits, fractionBits,
          timeoutSeconds);
    }

    /** The parameters. */
    public HeteroLrParams params() {
      return paramsOf(learningRate, decay, decaySqrt, penalty, alpha, optimizer, maxIter, batchSize, seed, earlyStop, tol, keyBits, fractionBits,
          timeoutSeconds);
    }

    private static HeteroLrParams paramsOf(double learningRate, double decay, boolean decaySqrt, String penalty, double alpha, String optimizer,
        int maxIter, int batchSize, long seed, String earlyStop, double tol, int keyBits, int fractionBits, double timeoutSeconds) {
      HeteroLrParams.Builder b = HeteroLrParams.builder().learningRate(learningRate).decay(decay).decaySqrt(decaySqrt)
          .penalty(word("hetero_lr.penalty", penalty, HeteroLrParams.Penalty.class)).alpha(alpha)
          .optimizer(word("hetero_lr.optimizer", optimizer, HeteroLrParams.Optimizer.class)).maxIter(maxIter).batchSize(batchSize).seed(seed)
          .earlyStop(word("hetero_lr.early_stop", earlyStop, HeteroLrParams.EarlyStop.class)).tol(tol).keyBits(keyBits)
          .fractionBits(fractionBits).timeout(seconds("hetero_lr.timeout_seconds", timeoutSeconds));
      return rename("hetero_lr", b::build);
    }

    static HeteroLr defaults() {
      HeteroLrParams d = HeteroLrParams.DEFAULTS;
      return new HeteroLr(d.learningRate(), d.decay(), d.decaySqrt(), lower(d.penalty()), d.alpha(), lower(d.optimizer()), d.maxIter(),
          d.batchSize(), d.seed(), lower(d.earlyStop()), d.tol(), d.keyBits(), d.fractionBits(), secondsOf(d.timeout()));
    }
  }

  /**
   * SecureBoost ({@link BoostParams}, whose javadoc gives each parameter's meaning and FATE's defaults).
   *
   * @param trees boosting rounds
   * @param maxDepth the largest tree depth
   * @param maxBins the most quantile bins per feature
   * @param learningRate the shrinkage
   * @param lambda L2 regularisation of leaf weights
   * @param minChildWeight least hessian sum of a child
   * @param minGain least gain of a split
   * @param receiveTimeoutSeconds the deadline of every receive
   * @param keyBits the guest's Paillier modulus size
   */
  @JsonPropertyOrder({"trees", "max_depth", "max_bins", "learning_rate", "lambda", "min_child_weight", "min_gain", "receive_timeout_seconds",
      "key_bits"})
  public record SecureBoost(int trees, int maxDepth, int maxBins, double learningRate, double lambda, double minChildWeight, double minGain,
      double receiveTimeoutSeconds, int keyBits) {
    /** Checks each value. */
    public SecureBoost {
      paramsOf(trees, maxDepth, maxBins, learningRate, lambda, minChildWeight, minGain, receiveTimeoutSeconds);
      if (keyBits < 1024 || keyBits > 8192 || keyBits % 2 != 0) {
        throw new IllegalArgumentException("secureboost.key_bits must be even and in [1024, 8192], got " + keyBits);
      }
    }

    /** The parameters. */
    public BoostParams params() {
      return paramsOf(trees, maxDepth, maxBins, learningRate, lambda, minChildWeight, minGain, receiveTimeoutSeconds);
    }

    private static BoostParams paramsOf(int trees, int maxDepth, int maxBins, double learningRate, double lambda, double minChildWeight,
        double minGain, double receiveTimeoutSeconds) {
      Duration timeout = seconds("secureboost.receive_timeout_seconds", receiveTimeoutSeconds);
      return rename("secureboost", () -> BoostParams.builder().trees(trees).maxDepth(maxDepth).maxBins(maxBins).learningRate(learningRate)
          .lambda(lambda).minChildWeight(minChildWeight).minGain(minGain).receiveTimeout(timeout).build());
    }

    static SecureBoost defaults() {
      BoostParams d = BoostParams.DEFAULTS;
      return new SecureBoost(d.trees(), d.maxDepth(), d.maxBins(), d.learningRate(), d.lambda(), d.minChildWeight(), d.minGain(),
          secondsOf(d.receiveTimeout()), SecureBoostGuest.DEFAULT_KEY_BITS);
    }
  }

  /**
   * The rows held out: after the PSI every party shuffles the intersection (ascending ids) with
   * {@code java.util.Random(seed)} ({@code Collections.shuffle}) and holds out the first
   * round(fraction · size) ids; the rest, in ascending order, are trained on.
   *
   * @param fraction the held-out share, in [0, 1); 0 scores the training rows only
   * @param seed the seed of the shuffle (not cryptographic)
   */
  @JsonPropertyOrder({"fraction", "seed"})
  public record Validation(double fraction, long seed) {
    /** The default held-out share. */
    public static final double DEFAULT_FRACTION = 0.2;

    /** Checks the fraction. */
    public Validation {
      Require.that(fraction >= 0 && fraction < 1, "validation.fraction", "in [0, 1)", fraction);
    }
  }

  /**
   * Where the outputs go.
   *
   * @param directory each party writes {@code <directory>/<party>/}
   */
  public record Output(Path directory) {
    /** The directory is required. */
    public Output {
      if (directory == null) throw new IllegalArgumentException("output.directory must be a directory, got nothing (null)");
    }
  }

  /** The defaults of every key but {@code run_id} and {@code parties}, as a tree. */
  static ObjectNode defaults() {
    ObjectNode tree = ConfigLoader.jsonMapper().createObjectNode();
    tree.putNull("run_id");
    tree.put("algorithm", Algorithm.HETERO_LR.toString());
    tree.putObject("parties");
    tree.set("tls", ConfigLoader.jsonMapper().valueToTree(Tls.defaults()));
    tree.set("link", ConfigLoader.jsonMapper().valueToTree(Link.defaults()));
    tree.set("psi", ConfigLoader.jsonMapper().valueToTree(Psi.defaults()));
    tree.set("hetero_lr", ConfigLoader.jsonMapper().valueToTree(HeteroLr.defaults()));
    tree.set("secureboost", ConfigLoader.jsonMapper().valueToTree(SecureBoost.defaults()));
    tree.set("validation", ConfigLoader.jsonMapper().valueToTree(new Validation(Validation.DEFAULT_FRACTION, 0)));
    tree.putObject("output").put("directory", "runs/vertical");
    return tree;
  }

  /** {@code seconds} as a duration: more than 0, at most 7 days, in milliseconds. */
  static Duration seconds(String key, double seconds) {
    Require.that(seconds > 0 && seconds <= MAX_SECONDS, key, "in (0, " + (long) MAX_SECONDS + "]", seconds);
    return Duration.ofMillis(Math.max(1, Math.round(seconds * 1000)));
  }

  static double secondsOf(Duration d) {
    return d.toMillis() / 1000.0;
  }

  static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** The constant of {@code type} named {@code word} in lowercase. */
  static <E extends Enum<E>> E word(String key, String word, Class<E> type) {
    for (E e : type.getEnumConstants()) {
      if (lower(e).equals(word)) return e;
    }
    List<String> words = new ArrayList<>();
    for (E e : type.getEnumConstants()) words.add(lower(e));
    throw new IllegalArgumentException(key + " must be one of " + String.join(", ", words) + ", got "
        + (word == null ? "nothing (null)" : "'" + word + "'"));
  }

  /**
   * Runs {@code build}, whose errors start with a parameter's Java name ({@code maxIter must be...}),
   * and renames it to its key in {@code section} ({@code hetero_lr.max_iter must be...}).
   */
  static <T> T rename(String section, java.util.function.Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      String m = String.valueOf(e.getMessage());
      int space = m.indexOf(' ');
      String word = space < 0 ? m : m.substring(0, space);
      if (word.matches("[a-z][A-Za-z]*")) {
        String snake = word.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
        throw new IllegalArgumentException(section + "." + snake + m.substring(word.length()), e);
      }
      throw new IllegalArgumentException(section + ": " + m, e);
    }
  }
}
