package io.lianbang.privacy.secagg;

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
    List<String> ids = new ArrayList<>(clients);
    Collections.sort(ids);
    int n = ids.size();
    if (n < 2) throw new SecAggException("secure aggregation needs at least 2 clients, got " + n);
    int k = params.degreeFor(n);
    int t;
    int needed;
    try {
      t = params.thresholdFor(n);
      needed = params.survivorsFor(n);
    } catch (IllegalArgumentException e) {
      throw new SecAggException("round " + round + ": " + e.getMessage() + "; the sum is not released");
    }
    CommunicationGraph graph = CommunicationGraph.harary(n, k, graphSeed);
    Map<String, long[]> traffic = new TreeMap<>();
    for (String id : ids) traffic.put(id, new long[2]);
    Map<String, String> dropped = new TreeMap<>();
    List<String> events = new ArrayList<>();

    // Stage 0: advertise keys.
    List<Integer> all = range(n);
    Map<Integer, PublicKeys> keys = stage("advertise keys", ids, all,
        u -> new Setup(round, ids, u, graph.neighbours(u), t, params.clipRange(), params.modulusBits(), params.maxWeight(), dimension),
        PublicKeys.class, round, traffic, dropped);
    for (Map.Entry<Integer, PublicKeys> e : new ArrayList<>(keys.entrySet())) {
      PublicKeys pk = e.getValue();
      if (pk.from() != e.getKey() || pk.cipherKey().length != 32 || pk.maskKey().length != 32) {
        keys.remove(e.getKey());
        dropped.put(ids.get(e.getKey()), "advertise keys: malformed public keys");
      }
    }

    // Stage 1: share keys.
    Map<Integer, EncryptedShares> shares = stage("share keys", ids, List.copyOf(keys.keySet()), u -> {
      Map<Integer, PublicKeys> dir = new TreeMap<>();
      for (int v : graph.neighbours(u)) if (keys.containsKey(v)) dir.put(v, keys.get(v));
      return new KeyDirectory(round, dir);
    }, EncryptedShares.class, round, traffic, dropped);
    for (Map.Entry<Integer, EncryptedShares> e : new ArrayList<>(shares.entrySet())) {
      int u = e.getKey();
      for (int v : e.getValue().ciphertexts().keySet()) {
        if (!graph.adjacent(u, v) || !keys.containsKey(v)) {
          shares.remove(u);
          dropped.put(ids.get(u), "share keys: sent a share to " + v + ", not a neighbour with keys");
          break;
        }
      }
    }

    // Stage 2: masked input collection.
    Map<Integer, MaskedInput> masked = stage("masked input", ids, List.copyOf(shares.keySet()), u -> {
      Map<Integer, byte[]> in = new TreeMap<>();
      for (Map.Entry<Integer, EncryptedShares> e : shares.entrySet()) {
        byte[] c = e.getValue().ciphertexts().get(u);
        if (c != null) in.put(e.getKey(), c);
      }
      return new ShareDelivery(round, in);
    }, MaskedInput.class, round, traffic, dropped);
    long modMask = (1L << params.modulusBits()) - 1;
    for (Map.Entry<Integer, MaskedInput> e : new ArrayList<>(masked.entrySet())) {
      long[] y = e.getValue().masked();
      boolean ok = y.length == dimension + 1;
      for (int i = 0; ok && i < y.length; i++) ok = (y[i] & ~modMask) == 0;
      if (!ok) {
        masked.remove(e.getKey());
        dropped.put(ids.get(e.getKey()), "masked input: wrong length or entries outside the modulus");
      }
    }
    for (String reason : dropped.values()) {
      if (reason.contains("authentication")) events.add(reason);
    }
    if (masked.size() < needed) {
      throw new SecAggException("round " + round + ": only " + masked.size() + " masked inputs arrived, at least " + needed
          + " are needed (threshold " + t + ", secagg.min_survivors " + params.minSurvivors() + "); the sum is not released");
    }

    // Stage 3: unmasking.
    List<Integer> survivors = List.copyOf(masked.keySet());
    List<Integer> group = connectedGroup(graph, survivors);
    if (group.size() < survivors.size()) {
      throw new SecAggException("round " + round + ": the " + survivors.size() + " surviving clients are not linked by masks into one"
          + " group (" + ids.get(group.get(0)) + " is in a group of " + group.size() + "), and unmasking would reveal each group's sum;"
          + " the sum is not released");
    }
    List<Integer> gone = new ArrayList<>();
    for (int u : shares.keySet()) if (!masked.containsKey(u)) gone.add(u);
    Map<Integer, UnmaskShares> unmask = stage("unmask", ids, survivors,
        u -> new UnmaskRequest(round, survivors, gone), UnmaskShares.class, round, traffic, dropped);

    long[] sum = new long[dimension + 1];
    for (MaskedInput y : masked.values()) {
      long[] v = y.masked();
      for (int i = 0; i < sum.length; i++) sum[i] = (sum[i] + v[i]) & modMask;
    }
    for (int u : survivors) {
      List<Shamir.Share> s = new ArrayList<>();
      for (Map.Entry<Integer, UnmaskShares> e : unmask.entrySet()) {
        BigInteger y = e.getValue().seedShares().get(u);
        if (y != null && (e.getKey() == u || graph.adjacent(u, e.getKey())) && y.signum() >= 0 && y.compareTo(Shamir.P) < 0) {
          s.add(new Shamir.Share(e.getKey() + 1, y));
        }
      }
      BigInteger seed = reconstruct(s, t, "self-mask seed of " + ids.get(u), ids, events, null);
      MaskPrg.addMask(sum, Shamir.toBytes(seed, 32), -1, params.modulusBits());
    }
    for (int v : gone) {
      List<Shamir.Share> s = new ArrayList<>();
      for (Map.Entry<Integer, UnmaskShares> e : unmask.entrySet()) {
        BigInteger y = e.getValue().keyShares().get(v);
        if (y != null && graph.adjacent(v, e.getKey()) && y.signum() >= 0 && y.compareTo(Shamir.P) < 0) {
          s.add(new Shamir.Share(e.getKey() + 1, y));
        }
      }
      byte[] expectedPublic = keys.get(v).maskKey();
      BigInteger scalar = reconstruct(s, t, "mask key of " + ids.get(v), ids, events, expectedPublic);
      byte[] sk = Shamir.toBytes(scalar, 32);
      for (int u : survivors) {
        if (!graph.adjacent(u, v) || !shares.get(v).ciphertexts().containsKey(u)) continue;
        byte[] seed = SecAggParticipant.pairwiseSeed(X25519.agree(X25519.decodePrivate(sk), X25519.decodePublic(keys.get(u).maskKey())));
        MaskPrg.addMask(sum, seed, u < v ? -1 : +1, params.modulusBits());
      }
    }

    int m = survivors.size();
    Quantizer values = new Quantizer(-params.clipRange(), params.clipRange(), params.modulusBits(), n);
    Quantizer weights = new Quantizer(0, 1, params.modulusBits(), n);
    double[] out = new double[dimension];
    for (int i = 0; i < dimension; i++) out[i] = values.decodeSum(sum[i], m);
    double totalWeight = weights.decodeSum(sum[dimension], m);
    List<String> survivorIds = new ArrayList<>();
    for (int u : survivors) survivorIds.add(ids.get(u));
    Map<String, SecAggResult.Traffic> bytes = new TreeMap<>();
    traffic.forEach((id, b) -> bytes.put(id, new SecAggResult.Traffic(b[0], b[1])));
    return new SecAggResult(round, out, totalWeight, survivorIds, dropped, events, bytes, k, t, values.step());
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
      throw new SecAggException("cannot reconstruct the " + what + " from " + shares.size() + " shares (threshold " + t
          + "): too few shares or inconsistent shares; the sum is not released");
    }
    for (int x : bad) events.add("inconsistent share of the " + what + " from " + ids.get(x - 1) + ": excluded");
    return secret.get();
  }

  private <R extends SecAggMessage> Map<Integer, R> stage(
      String name, List<String> ids, List<Integer> to, Function<Integer, SecAggMessage> request, Class<R> type,
      int round, Map<String, long[]> traffic, Map<String, String> dropped) throws InterruptedException {
    Instant deadline = Instant.now().plus(stageTimeout);
    Map<Integer, CompletableFuture<SecAggMessage>> pending = new TreeMap<>();
    for (int u : to) {
      SecAggMessage req = request.apply(u);
      traffic.get(ids.get(u))[1] += req.wireBytes();
      try {
        pending.put(u, transport.send(ids.get(u), req, deadline));
      } catch (RuntimeException e) {
        dropped.put(ids.get(u), name + ": " + describe(e));
      }
    }
    Map<Integer, R> out = new TreeMap<>();
    for (Map.Entry<Integer, CompletableFuture<SecAggMessage>> e : pending.entrySet()) {
      String id = ids.get(e.getKey());
      long wait = Math.max(0, Duration.between(Instant.now(), deadline).toNanos());
      try {
        SecAggMessage res = e.getValue().get(wait, TimeUnit.NANOSECONDS);
        if (!type.isInstance(res) || res.round() != round) {
          dropped.put(id, name + ": unexpected response " + (res == null ? "null" : res.getClass().getSimpleName()));
          continue;
        }
        traffic.get(id)[0] += res.wireBytes();
        out.put(e.getKey(), type.cast(res));
      } catch (TimeoutException ex) {
        e.getValue().cancel(true);
        dropped.put(id, name + ": no response before the deadline");
      } catch (ExecutionException ex) {
        Throwable c = ex.getCause() instanceof CompletionException && ex.getCause().getCause() != null ? ex.getCause().getCause() : ex.getCause();
        dropped.put(id, name + ": " + (c instanceof TimeoutException ? "no response before the deadline" : describe(c)));
      }
    }
    return out;
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
