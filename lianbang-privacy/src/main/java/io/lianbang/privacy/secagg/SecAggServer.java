package io.lianbang.privacy.secagg;

import io.lianbang.core.client.Deadlines;
import io.lianbang.privacy.secagg.SecAggMessage.EncryptedShares;
import io.lianbang.privacy.secagg.SecAggMessage.KeyDirectory;
import io.lianbang.privacy.secagg.SecAggMessage.MaskedInput;
import io.lianbang.privacy.secagg.SecAggMessage.PublicKeys;
import io.lianbang.privacy.secagg.SecAggMessage.Setup;
import io.lianbang.privacy.secagg.SecAggMessage.ShareDelivery;
import io.lianbang.privacy.secagg.SecAggMessage.UnmaskRequest;
import io.lianbang.privacy.secagg.SecAggMessage.UnmaskShares;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The server side of SecAgg+ (Bell et al., "Secure Single-Server Aggregation with
 * (Poly)Logarithmic Overhead", CCS 2020), which with k = n − 1 is the SecAgg protocol of Bonawitz
 * et al., "Practical Secure Aggregation for Privacy-Preserving Machine Learning", CCS 2017.
 *
 * <p>{@link #aggregate} drives the four stages of {@link SecAggMessage} over a
 * {@link SecAggTransport}, each with a deadline. A client that fails or misses a stage's deadline
 * drops out: if it had already shared its keys, its pairwise masks are removed by reconstructing
 * its mask key from t of its neighbours' shares; every surviving client's self mask is removed by
 * reconstructing its seed. The server sees public keys, ciphertexts it cannot read, masked vectors
 * that are uniformly distributed on their own, and the shares it needs to unmask the sum.
 *
 * <p>The sum is released only if at least max(t, {@link SecAggParams#minSurvivors()}) masked inputs
 * arrived and the survivors form one connected group of the graph (otherwise each group's sum
 * could be unmasked on its own); the threshold must be safe for the round's degree
 * ({@link SecAggParams#minThreshold}). Otherwise the round fails with a {@link SecAggException}
 * before any unmasking share is requested.
 *
 * <p>Reconstruction is checked: a reconstructed mask key must match the public key its owner
 * advertised, and surplus shares must lie on the same polynomial; one wrong share among at least
 * t + 2 is identified and excluded (reported in {@link SecAggResult#events()}), otherwise the round
 * fails with a {@link SecAggException} and the sum is never released corrupted.
 */
public final class SecAggServer {
  private final SecAggParams params;
  private final SecAggTransport transport;
  private final Duration stageTimeout;

  /**
   * @param stageTimeout the deadline of each stage; clients answering later drop out
   */
  public SecAggServer(SecAggParams params, SecAggTransport transport, Duration stageTimeout) {
    this.params = Objects.requireNonNull(params, "params");
    this.transport = Objects.requireNonNull(transport, "transport");
    if (stageTimeout.isNegative() || stageTimeout.isZero()) throw new IllegalArgumentException("stageTimeout must be positive, got " + stageTimeout);
    this.stageTimeout = stageTimeout;
  }

  /**
   * Runs one secure aggregation among {@code clients} of inputs with {@code dimension} values.
   *
   * @param graphSeed seeds the random layout of the communication graph
   * @throws SecAggException if the threshold is unsafe for the round, too few clients survive, the
   *     survivors are not one group, or reconstruction fails
   * @throws InterruptedException if interrupted while waiting for a stage
   */
  public SecAggResult aggregate(int round, List<String> clients, int dimension, long graphSeed) throws InterruptedException {
    Round r = plan(round, clients, dimension, graphSeed);
    Map<Integer, PublicKeys> keys = advertiseKeys(r);
    Map<Integer, EncryptedShares> shares = shareKeys(r, keys);
    Map<Integer, MaskedInput> masked = collectMaskedInputs(r, shares);
    for (Map.Entry<String, String> d : r.dropped.entrySet()) {
      if (r.failedAuthentication.contains(d.getKey())) r.events.add(d.getValue());
    }
    List<Integer> survivors = requireReleasable(r, masked);
    List<Integer> gone = new ArrayList<>();
    for (int u : shares.keySet()) if (!masked.containsKey(u)) gone.add(u);
    Map<Integer, UnmaskShares> unmask = stage(r, "unmask", survivors, u -> new UnmaskRequest(round, survivors, gone), UnmaskShares.class);
    long[] sum = unmaskedSum(r, keys, shares, masked, survivors, gone, unmask);
    return result(r, sum, survivors);
  }

  /** The state of one aggregation: who takes part, the graph and thresholds, and what happened so far. */
  private static final class Round {
    final int round;
    final List<String> ids;
    final int n;
    final int dimension;
    final int k;
    final int t;
    final int needed;
    final CommunicationGraph graph;
    /** Bytes received and sent per client. */
    final Map<String, long[]> traffic = new TreeMap<>();
    /** Why each dropped client dropped. */
    final Map<String, String> dropped = new TreeMap<>();
    /** Clients dropped because a share ciphertext failed authentication. */
    final Set<String> failedAuthentication = new HashSet<>();
    final List<String> events = new ArrayList<>();

    Round(int round, List<String> ids, int dimension, int k, int t, int needed, CommunicationGraph graph) {
      this.round = round;
      this.ids = ids;
      this.n = ids.size();
      this.dimension = dimension;
      this.k = k;
      this.t = t;
      this.needed = needed;
      this.graph = graph;
      for (String id : ids) traffic.put(id, new long[2]);
    }

    void drop(int u, String reason) {
      dropped.put(ids.get(u), reason);
    }
  }

  /** The round's participants (sorted), degree, thresholds and graph; refuses settings unsafe for them. */
  private Round plan(int round, List<String> clients, int dimension, long graphSeed) {
    List<String> ids = new ArrayList<>(clients);
    Collections.sort(ids);
    int n = ids.size();
    if (n < 2) throw new SecAggException(SecAggException.Kind.UNSAFE, "secure aggregation needs at least 2 clients, got " + n);
    int k = params.degreeFor(n);
    int t;
    int needed;
    try {
      t = params.thresholdFor(n);
      needed = params.survivorsFor(n);
    } catch (IllegalArgumentException e) {
      throw new SecAggException(SecAggException.Kind.UNSAFE, "round " + round + ": " + e.getMessage() + "; the sum is not released");
    }
    return new Round(round, ids, dimension, k, t, needed, CommunicationGraph.harary(n, k, graphSeed));
  }

  /** Stage 0: every client advertises its public keys; malformed ones drop out. */
  private Map<Integer, PublicKeys> advertiseKeys(Round r) throws InterruptedException {
    Map<Integer, PublicKeys> keys = stage(r, "advertise keys", range(r.n),
        u -> new Setup(r.round, r.ids, u, r.graph.neighbours(u), r.t, params.clipRange(), params.modulusBits(), params.maxWeight(),
            r.dimension),
        PublicKeys.class);
    for (Map.Entry<Integer, PublicKeys> e : new ArrayList<>(keys.entrySet())) {
      PublicKeys pk = e.getValue();
      if (pk.from() != e.getKey() || pk.cipherKey().length != 32 || pk.maskKey().length != 32) {
        keys.remove(e.getKey());
        r.drop(e.getKey(), "advertise keys: malformed public keys");
      }
    }
    return keys;
  }

  /** Stage 1: clients with keys get their neighbours' keys and share their secrets; shares to non-neighbours drop the sender. */
  private Map<Integer, EncryptedShares> shareKeys(Round r, Map<Integer, PublicKeys> keys) throws InterruptedException {
    Map<Integer, EncryptedShares> shares = stage(r, "share keys", List.copyOf(keys.keySet()), u -> {
      Map<Integer, PublicKeys> dir = new TreeMap<>();
      for (int v : r.graph.neighbours(u)) if (keys.containsKey(v)) dir.put(v, keys.get(v));
      return new KeyDirectory(r.round, dir);
    }, EncryptedShares.class);
    for (Map.Entry<Integer, EncryptedShares> e : new ArrayList<>(shares.entrySet())) {
      int u = e.getKey();
      for (int v : e.getValue().ciphertexts().keySet()) {
        if (!r.graph.adjacent(u, v) || !keys.containsKey(v)) {
          shares.remove(u);
          r.drop(u, "share keys: sent a share to " + v + ", not a neighbour with keys");
          break;
        }
      }
    }
    return shares;
  }

  /** Stage 2: clients that shared get the shares addressed to them and send their masked input; malformed inputs drop out. */
  private Map<Integer, MaskedInput> collectMaskedInputs(Round r, Map<Integer, EncryptedShares> shares) throws InterruptedException {
    Map<Integer, MaskedInput> masked = stage(r, "masked input", List.copyOf(shares.keySet()), u -> {
      Map<Integer, byte[]> in = new TreeMap<>();
      for (Map.Entry<Integer, EncryptedShares> e : shares.entrySet()) {
        byte[] c = e.getValue().ciphertexts().get(u);
        if (c != null) in.put(e.getKey(), c);
      }
      return new ShareDelivery(r.round, in);
    }, MaskedInput.class);
    long modMask = modMask();
    for (Map.Entry<Integer, MaskedInput> e : new ArrayList<>(masked.entrySet())) {
      long[] y = e.getValue().masked();
      boolean ok = y.length == r.dimension + 1;
      for (int i = 0; ok && i < y.length; i++) ok = (y[i] & ~modMask) == 0;
      if (!ok) {
        masked.remove(e.getKey());
        r.drop(e.getKey(), "masked input: wrong length or entries outside the modulus");
      }
    }
    return masked;
  }

  /**
   * The survivors, if their sum may be released: enough of them, forming one group of the graph.
   *
   * @throws SecAggException before any unmasking share is requested otherwise
   */
  private List<Integer> requireReleasable(Round r, Map<Integer, MaskedInput> masked) {
    if (masked.size() < r.needed) {
      throw new SecAggException(SecAggException.Kind.TOO_FEW_SURVIVORS, "round " + r.round + ": only " + masked.size()
          + " masked inputs arrived, at least " + r.needed + " are needed (threshold " + r.t + ", secagg.min_survivors "
          + params.minSurvivors() + "); the sum is not released");
    }
    List<Integer> survivors = List.copyOf(masked.keySet());
    List<Integer> group = connectedGroup(r.graph, survivors);
    if (group.size() < survivors.size()) {
      throw new SecAggException(SecAggException.Kind.DISCONNECTED_SURVIVORS, "round " + r.round + ": the " + survivors.size()
          + " surviving clients are not linked by masks into one group (" + r.ids.get(group.get(0)) + " is in a group of "
          + group.size() + "), and unmasking would reveal each group's sum; the sum is not released");
    }
    return survivors;
  }

  /**
   * Stage 3's result: the sum of the masked inputs with every survivor's self mask removed (seed
   * reconstructed from its neighbours' shares) and every dropped client's pairwise masks removed
   * (mask key reconstructed and checked against its public key).
   */
  private long[] unmaskedSum(Round r, Map<Integer, PublicKeys> keys, Map<Integer, EncryptedShares> shares,
      Map<Integer, MaskedInput> masked, List<Integer> survivors, List<Integer> gone, Map<Integer, UnmaskShares> unmask) {
    long modMask = modMask();
    long[] sum = new long[r.dimension + 1];
    for (MaskedInput y : masked.values()) {
      long[] v = y.masked();
      for (int i = 0; i < sum.length; i++) sum[i] = (sum[i] + v[i]) & modMask;
    }
    for (int u : survivors) {
      List<Shamir.Share> s = new ArrayList<>();
      for (Map.Entry<Integer, UnmaskShares> e : unmask.entrySet()) {
        BigInteger y = e.getValue().seedShares().get(u);
        if (y != null && (e.getKey() == u || r.graph.adjacent(u, e.getKey())) && y.signum() >= 0 && y.compareTo(Shamir.P) < 0) {
          s.add(new Shamir.Share(e.getKey() + 1, y));
        }
      }
      BigInteger seed = reconstruct(s, r.t, "self-mask seed of " + r.ids.get(u), r.ids, r.events, null);
      MaskPrg.addMask(sum, Shamir.toBytes(seed, 32), -1, params.modulusBits());
    }
    for (int v : gone) {
      List<Shamir.Share> s = new ArrayList<>();
      for (Map.Entry<Integer, UnmaskShares> e : unmask.entrySet()) {
        BigInteger y = e.getValue().keyShares().get(v);
        if (y != null && r.graph.adjacent(v, e.getKey()) && y.signum() >= 0 && y.compareTo(Shamir.P) < 0) {
          s.add(new Shamir.Share(e.getKey() + 1, y));
        }
      }
      byte[] expectedPublic = keys.get(v).maskKey();
      BigInteger scalar = reconstruct(s, r.t, "mask key of " + r.ids.get(v), r.ids, r.events, expectedPublic);
      byte[] sk = Shamir.toBytes(scalar, 32);
      for (int u : survivors) {
        if (!r.graph.adjacent(u, v) || !shares.get(v).ciphertexts().containsKey(u)) continue;
        byte[] seed = SecAggParticipant.pairwiseSeed(X25519.agree(X25519.decodePrivate(sk), X25519.decodePublic(keys.get(u).maskKey())));
        MaskPrg.addMask(sum, seed, u < v ? -1 : +1, params.modulusBits());
      }
    }
    return sum;
  }

  /** Decodes the unmasked sum into the mean update and total weight, with the round's report. */
  private SecAggResult result(Round r, long[] sum, List<Integer> survivors) {
    int m = survivors.size();
    Quantizer values = new Quantizer(-params.clipRange(), params.clipRange(), params.modulusBits(), r.n);
    Quantizer weights = new Quantizer(0, 1, params.modulusBits(), r.n);
    double[] out = new double[r.dimension];
    for (int i = 0; i < r.dimension; i++) out[i] = values.decodeSum(sum[i], m);
    double totalWeight = weights.decodeSum(sum[r.dimension], m);
    List<String> survivorIds = new ArrayList<>();
    for (int u : survivors) survivorIds.add(r.ids.get(u));
    Map<String, SecAggResult.Traffic> bytes = new TreeMap<>();
    r.traffic.forEach((id, b) -> bytes.put(id, new SecAggResult.Traffic(b[0], b[1])));
    return new SecAggResult(r.round, out, totalWeight, survivorIds, r.dropped, r.events, bytes, r.k, r.t, values.step());
  }

  private long modMask() {
    return (1L << params.modulusBits()) - 1;
  }

  private static BigInteger reconstruct(List<Shamir.Share> shares, int t, String what, List<String> ids,
                                        List<String> events, byte[] expectedPublic) {
    List<Integer> bad = new ArrayList<>();
    Optional<BigInteger> secret = Shamir.reconstructChecked(shares, t, bad);
    if (secret.isPresent() && expectedPublic != null
        && !Arrays.equals(X25519.publicOf(Shamir.toBytes(secret.get(), 32)), expectedPublic)) {
      secret = Optional.empty();
    }
    if (secret.isEmpty()) {
      throw new SecAggException(SecAggException.Kind.RECONSTRUCTION, "cannot reconstruct the " + what + " from " + shares.size() + " shares (threshold " + t
          + "): too few shares or inconsistent shares; the sum is not released");
    }
    for (int x : bad) events.add("inconsistent share of the " + what + " from " + ids.get(x - 1) + ": excluded");
    return secret.get();
  }

  /**
   * Sends {@code request(u)} to every client {@code u} in {@code to} and collects the responses of
   * type {@code type} that arrive before the stage's deadline; every other client drops out, with
   * the reason (and, for a share that failed authentication, the kind) recorded in {@code r}.
   */
  private <R extends SecAggMessage> Map<Integer, R> stage(
      Round r, String name, List<Integer> to, Function<Integer, SecAggMessage> request, Class<R> type) throws InterruptedException {
    Instant deadline = Instant.now().plus(stageTimeout);
    Map<Integer, CompletableFuture<SecAggMessage>> pending = new TreeMap<>();
    for (int u : to) {
      SecAggMessage req = request.apply(u);
      r.traffic.get(r.ids.get(u))[1] += req.wireBytes();
      try {
        pending.put(u, transport.send(r.ids.get(u), req, deadline));
      } catch (RuntimeException e) {
        fail(r, u, name, e);
      }
    }
    Map<Integer, R> out = new TreeMap<>();
    for (Map.Entry<Integer, CompletableFuture<SecAggMessage>> e : pending.entrySet()) {
      String id = r.ids.get(e.getKey());
      long wait = Deadlines.nanosLeft(deadline);
      try {
        SecAggMessage res = e.getValue().get(wait, TimeUnit.NANOSECONDS);
        if (!type.isInstance(res) || res.round() != r.round) {
          r.drop(e.getKey(), name + ": unexpected response " + (res == null ? "null" : res.getClass().getSimpleName()));
          continue;
        }
        r.traffic.get(id)[0] += res.wireBytes();
        out.put(e.getKey(), type.cast(res));
      } catch (TimeoutException ex) {
        e.getValue().cancel(true);
        r.drop(e.getKey(), name + ": no response before the deadline");
      } catch (ExecutionException ex) {
        Throwable c = ex.getCause() instanceof CompletionException && ex.getCause().getCause() != null ? ex.getCause().getCause() : ex.getCause();
        if (c instanceof TimeoutException) r.drop(e.getKey(), name + ": no response before the deadline");
        else fail(r, e.getKey(), name, c);
      }
    }
    return out;
  }

  /** Drops client {@code u} from the stage for {@code failure}, noting an authentication failure by its kind. */
  private static void fail(Round r, int u, String stage, Throwable failure) {
    r.drop(u, stage + ": " + describe(failure));
    if (failure instanceof SecAggException s && s.kind() == SecAggException.Kind.AUTHENTICATION) {
      r.failedAuthentication.add(r.ids.get(u));
    }
  }

  /**
   * The survivors joined to the first one by a path of graph edges between survivors. Two
   * survivors that are neighbours masked with each other, so only a group closed under such edges
   * has masks that cancel: the survivors form one group, or the server could unmask each group's
   * sum on its own.
   */
  private static List<Integer> connectedGroup(CommunicationGraph graph, List<Integer> survivors) {
    Set<Integer> alive = new HashSet<>(survivors);
    Set<Integer> seen = new TreeSet<>();
    ArrayDeque<Integer> todo = new ArrayDeque<>();
    todo.add(survivors.get(0));
    seen.add(survivors.get(0));
    while (!todo.isEmpty()) {
      for (int v : graph.neighbours(todo.poll())) {
        if (alive.contains(v) && seen.add(v)) todo.add(v);
      }
    }
    return List.copyOf(seen);
  }

  private static List<Integer> range(int n) {
    List<Integer> r = new ArrayList<>(n);
    for (int i = 0; i < n; i++) r.add(i);
    return r;
  }

  private static String describe(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
