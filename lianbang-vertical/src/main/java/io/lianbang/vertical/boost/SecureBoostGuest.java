package io.lianbang.vertical.boost;

import io.lianbang.privacy.paillier.ObfuscatorPool;
import io.lianbang.privacy.paillier.PaillierKeyPair;
import io.lianbang.privacy.paillier.PaillierPrivateKey;
import io.lianbang.privacy.paillier.PaillierPublicKey;
import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.link.PayloadReader;
import io.lianbang.vertical.link.PayloadWriter;
import io.lianbang.vertical.parallel.CryptoWorkers;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The guest (active party, holder of the labels) of SecureBoost training (Cheng et al. 2019,
 * "SecureBoost: A Lossless Federated Learning Framework", Algorithms 1 and 2; FATE's
 * HeteroSecureBoostingTreeGuest). Its rows must be in the intersection order shared with the hosts.
 *
 * <p>Per tree it encrypts every row's packed (g, h) under its own Paillier key and sends them to
 * each host ({@link SecureBoostProtocol#GH}); per depth it sends the rows of each node to split
 * ({@link SecureBoostProtocol#NODES}), builds its own histograms in plaintext, decrypts the hosts'
 * packed histograms ({@link SecureBoostProtocol#HIST}), and picks per node the best split over its
 * features and then each host's, in that order (ties go to the first). For a host split it sends
 * the (feature, bin) ({@link SecureBoostProtocol#SPLIT}) and receives a record id and the rows
 * going left ({@link SecureBoostProtocol#ASSIGN}), which it checks against the decrypted histogram.
 * The resulting model equals {@link GbdtReference} on the joined binned data.
 */
public final class SecureBoostGuest {
  private static final Logger log = LoggerFactory.getLogger(SecureBoostGuest.class);
  /** The default Paillier key size. */
  public static final int DEFAULT_KEY_BITS = 2048;
  /** The most features a host may declare. */
  public static final int MAX_HOST_FEATURES = 100_000;

  private final PartyLink link;
  private final List<String> hosts;
  private final VerticalTable table;
  private final BoostParams params;
  private final PaillierKeyPair keys;
  private final Wire wire;
  private int threads = CryptoWorkers.defaultThreads();

  /**
   * A guest with its own fresh key of {@link #DEFAULT_KEY_BITS} bits.
   *
   * @throws IllegalArgumentException as {@link #SecureBoostGuest(PartyLink, List, VerticalTable, BoostParams, PaillierKeyPair)}
   */
  public SecureBoostGuest(PartyLink link, List<String> hosts, VerticalTable table, BoostParams params) {
    this(link, hosts, table, params, PaillierKeyPair.generate(DEFAULT_KEY_BITS, new SecureRandom()));
  }

  /**
   * A guest using {@code keys}.
   *
   * @throws IllegalArgumentException if hosts is empty, repeats a name or names the guest, or the
   *     table has no labels or fewer than two rows
   */
  public SecureBoostGuest(PartyLink link, List<String> hosts, VerticalTable table, BoostParams params, PaillierKeyPair keys) {
    this.link = Objects.requireNonNull(link, "link");
    this.hosts = List.copyOf(hosts);
    this.table = Objects.requireNonNull(table, "table");
    this.params = Objects.requireNonNull(params, "params");
    this.keys = Objects.requireNonNull(keys, "keys");
    if (this.hosts.isEmpty()) throw new IllegalArgumentException("hosts must name at least one host");
    if (new HashSet<>(this.hosts).size() != this.hosts.size()) throw new IllegalArgumentException("hosts names a host twice: " + hosts);
    if (this.hosts.contains(link.self())) throw new IllegalArgumentException("hosts must not contain the guest " + link.self());
    if (!table.hasLabels()) throw new IllegalArgumentException("table: the guest's table must have labels (column y)");
    if (table.rows() < 2) throw new IllegalArgumentException("table must have at least 2 rows, got " + table.rows());
    this.wire = new Wire(link, "SecureBoost guest", params.receiveTimeout());
  }

  private record Open(int id, int[] rows, double g, double h) {}

  /**
   * Sets the number of threads for encryptions and decryptions (default {@link
   * CryptoWorkers#defaultThreads()}); the model is the same for any count. Call before {@link #run}.
   *
   * @return this guest
   * @throws IllegalArgumentException if threads is outside [1, {@value CryptoWorkers#MAX_THREADS}]
   */
  public SecureBoostGuest threads(int threads) {
    this.threads = CryptoWorkers.checkThreads(threads);
    return this;
  }

  /**
   * Trains the model, blocking until every tree is built. Encryptions and decryptions run on
   * {@link #threads} threads, each batch within {@link BoostParams#receiveTimeout()}; while the
   * hosts build histograms, background threads compute the randomness of the next tree's
   * encryptions (an {@link io.lianbang.privacy.paillier.ObfuscatorPool} of at most one tree's rows
   * and {@value CryptoWorkers#MAX_POOL_CAPACITY} values, stopped after the last tree's
   * encryptions). All threads stop when the run ends, also on failure.
   *
   * @throws SecureBoostException if a host is lost, times out or sends a malformed message
   * @throws IllegalStateException if the guest's own encryptions or decryptions miss the deadline
   */
  public BoostModel run() {
    try (CryptoWorkers workers = CryptoWorkers.start(threads, params.receiveTimeout())) {
      return train(workers);
    }
  }

  private BoostModel train(CryptoWorkers workers) {
    int n = table.rows();
    double[] y = table.labels();
    double init = Logistic.initScore(y);
    PaillierPublicKey pk = keys.publicKey();
    PaillierPrivateKey sk = keys.privateKey();
    GhPacking packing = new GhPacking(pk, n, GhPacking.maxBinsPerCiphertext(pk, n));
    byte[] setup = new PayloadWriter().putBigInteger(pk.n()).putInt(n).putInt(params.trees()).putInt(params.maxDepth())
        .putInt(packing.binsPerCiphertext()).toByteArray();
    for (String h : hosts) wire.send(h, SecureBoostProtocol.SETUP, setup);
    int[][] hostBins = new int[hosts.size()][];
    for (int k = 0; k < hosts.size(); k++) {
      hostBins[k] = wire.parse(hosts.get(k), SecureBoostProtocol.BINS, in -> {
        int[] b = in.getInts("bins", MAX_HOST_FEATURES);
        for (int f = 0; f < b.length; f++) {
          if (b[f] < 1 || b[f] > params.maxBins()) throw new IllegalArgumentException("bins[" + f + "] must be in [1, " + params.maxBins() + "], got " + b[f]);
        }
        return b;
      });
    }
    List<Set<Integer>> records = new ArrayList<>();
    for (int k = 0; k < hosts.size(); k++) records.add(new HashSet<>());
    FeatureBins bins = FeatureBins.fit(table.features(), table.columns(), params.maxBins());
    int[][] binned = bins.binColumns(table.features());
    SplitRule rule = new SplitRule(params);
    double[] scores = new double[n];
    Arrays.fill(scores, init);
    int[] all = IntStream.range(0, n).toArray();
    List<BoostTree> trees = new ArrayList<>();
    int maxBits = 2 * pk.bits();
    ObfuscatorPool obfuscators = workers.obfuscators(pk, n);

    for (int t = 0; t < params.trees(); t++) {
      long[][] q = Logistic.fixedPointGradients(scores, y);
      BigInteger[] encrypted = packing.encryptRows(q[0], q[1], workers.paillier(), obfuscators);
      if (t == params.trees() - 1) obfuscators.close();
      byte[] gh = new PayloadWriter().putBigIntegers(encrypted).toByteArray();
      for (String h : hosts) wire.send(h, SecureBoostProtocol.GH + "/" + t, gh);
      List<TreeNode> nodes = new ArrayList<>();
      nodes.add(null);
      List<int[]> frontier = List.of(all);
      List<Integer> frontierIds = List.of(0);
      for (int d = 0; ; d++) {
        List<Open> open = new ArrayList<>();
        for (int i = 0; i < frontier.size(); i++) {
          int[] rs = frontier.get(i);
          Open o = new Open(frontierIds.get(i), rs, Logistic.fromFixed(SplitRule.sum(rs, q[0])), Logistic.fromFixed(SplitRule.sum(rs, q[1])));
          if (d < params.maxDepth() && rs.length >= 2) open.add(o);
          else leaf(nodes, o, rule, scores);
        }
        if (d == params.maxDepth()) break;
        String step = t + "." + d;
        PayloadWriter nodesMsg = new PayloadWriter().putInt(open.size());
        for (Open o : open) nodesMsg.putInt(o.id).putInts(o.rows);
        byte[] nodesBytes = nodesMsg.toByteArray();
        for (String h : hosts) wire.send(h, SecureBoostProtocol.NODES + "/" + step, nodesBytes);
        if (open.isEmpty()) break;

        SplitRule.Best[] best = new SplitRule.Best[open.size()];
        for (int i = 0; i < open.size(); i++) {
          Open o = open.get(i);
          for (int f = 0; f < bins.features(); f++) {
            double[][] cum = SplitRule.cumulative(o.rows, binned[f], bins.bins(f), q[0], q[1]);
            best[i] = rule.scan(o.g, o.h, cum[0], cum[1], 0, f, best[i]);
          }
        }
        for (int k = 0; k < hosts.size(); k++) {
          String host = hosts.get(k);
          String tag = SecureBoostProtocol.HIST + "/" + step;
          int[] hb = hostBins[k];
          BigInteger[][][] cts = wire.parse(host, tag, in -> readHistograms(in, open, hb, packing, maxBits));
          BigInteger[][][] plain = decrypt(workers, sk, cts, host, tag);
          for (int i = 0; i < open.size(); i++) {
            Open o = open.get(i);
            for (int f = 0; f < hb.length; f++) {
              if (hb[f] < 2) continue;
              double[][] cum;
              try {
                cum = packing.unpack(plain[i][f], hb[f] - 1, o.rows.length);
              } catch (IllegalArgumentException e) {
                throw new SecureBoostException("SecureBoost guest refused " + tag + " from " + host + ": histogram of node " + o.id + " feature " + f
                    + " is not a sum of the node's rows: " + e.getMessage(), e);
              }
              best[i] = rule.scan(o.g, o.h, cum[0], cum[1], k + 1, f, best[i]);
            }
          }
        }
        // Splits: tell each host about the ones on its features, then learn their left rows.
        boolean[][] goesLeft = new boolean[open.size()][];
        int[] record = new int[open.size()];
        for (int k = 0; k < hosts.size(); k++) {
          List<Integer> mine = new ArrayList<>();
          for (int i = 0; i < open.size(); i++) if (best[i] != null && best[i].source() == k + 1) mine.add(i);
          PayloadWriter split = new PayloadWriter().putInt(mine.size());
          for (int i : mine) split.putInt(open.get(i).id).putInt(best[i].feature()).putInt(best[i].bin());
          wire.send(hosts.get(k), SecureBoostProtocol.SPLIT + "/" + step, split.toByteArray());
        }
        for (int k = 0; k < hosts.size(); k++) {
          List<Integer> mine = new ArrayList<>();
          for (int i = 0; i < open.size(); i++) if (best[i] != null && best[i].source() == k + 1) mine.add(i);
          Set<Integer> seen = records.get(k);
          wire.parse(hosts.get(k), SecureBoostProtocol.ASSIGN + "/" + step, in -> {
            int count = in.getInt("splits");
            if (count != mine.size()) throw new IllegalArgumentException("splits must be " + mine.size() + ", got " + count);
            for (int i : mine) {
              Open o = open.get(i);
              int node = in.getInt("node");
              if (node != o.id) throw new IllegalArgumentException("node must be " + o.id + ", got " + node);
              int rec = in.getInt("record");
              if (rec < 0 || !seen.add(rec)) throw new IllegalArgumentException("record of node " + node + " must be a new non-negative id, got " + rec);
              boolean[] left = Wire.bits(in.getBytes("left", (o.rows.length + 7) / 8), o.rows.length, "left of node " + node);
              long lg = 0;
              long lh = 0;
              for (int j = 0; j < left.length; j++) {
                if (left[j]) {
                  lg += q[0][o.rows[j]];
                  lh += q[1][o.rows[j]];
                }
              }
              if (Logistic.fromFixed(lg) != best[i].leftG() || Logistic.fromFixed(lh) != best[i].leftH()) {
                throw new IllegalArgumentException("left of node " + node + " disagrees with the histogram the host sent for it");
              }
              goesLeft[i] = left;
              record[i] = rec;
            }
            return null;
          });
        }
        List<int[]> next = new ArrayList<>();
        List<Integer> nextIds = new ArrayList<>();
        for (int i = 0; i < open.size(); i++) {
          Open o = open.get(i);
          SplitRule.Best b = best[i];
          if (b == null) {
            leaf(nodes, o, rule, scores);
            continue;
          }
          int left = nodes.size();
          nodes.add(null);
          nodes.add(null);
          int[][] parts;
          if (b.source() == 0) {
            nodes.set(o.id, TreeNode.localSplit(b.feature(), b.bin(), bins.threshold(b.feature(), b.bin()), left, left + 1));
            parts = GbdtReference.partition(o.rows, binned[b.feature()], b.bin());
          } else {
            nodes.set(o.id, TreeNode.hostSplit(hosts.get(b.source() - 1), record[i], left, left + 1));
            parts = split(o.rows, goesLeft[i]);
          }
          next.add(parts[0]);
          nextIds.add(left);
          next.add(parts[1]);
          nextIds.add(left + 1);
        }
        frontier = next;
        frontierIds = nextIds;
      }
      trees.add(new BoostTree(nodes));
      log.info("SecureBoost tree {} of {}: {} nodes", t + 1, params.trees(), nodes.size());
    }
    return new BoostModel(init, trees);
  }

  private static void leaf(List<TreeNode> nodes, Open o, SplitRule rule, double[] scores) {
    double w = rule.leafWeight(o.g, o.h);
    nodes.set(o.id, TreeNode.leaf(w));
    for (int r : o.rows) scores[r] += w;
  }

  private static BigInteger[][][] readHistograms(PayloadReader in, List<Open> open, int[] hostBins, GhPacking packing, int maxBits) {
    int count = in.getInt("nodes");
    if (count != open.size()) throw new IllegalArgumentException("nodes must be " + open.size() + ", got " + count);
    BigInteger[][][] out = new BigInteger[open.size()][hostBins.length][];
    for (int i = 0; i < open.size(); i++) {
      int node = in.getInt("node");
      if (node != open.get(i).id) throw new IllegalArgumentException("node must be " + open.get(i).id + ", got " + node);
      for (int f = 0; f < hostBins.length; f++) {
        int expected = packing.ciphertextsFor(hostBins[f] - 1);
        BigInteger[] c = in.getBigIntegers("histogram of node " + node + " feature " + f, expected, maxBits);
        if (c.length != expected) {
          throw new IllegalArgumentException("histogram of node " + node + " feature " + f + " must have " + expected + " ciphertexts, got " + c.length);
        }
        out[i][f] = c;
      }
    }
    return out;
  }

  private static BigInteger[][][] decrypt(CryptoWorkers workers, PaillierPrivateKey sk, BigInteger[][][] cts, String host, String tag) {
    BigInteger[][][] out = new BigInteger[cts.length][][];
    List<int[]> cells = new ArrayList<>();
    for (int i = 0; i < cts.length; i++) {
      out[i] = new BigInteger[cts[i].length][];
      for (int f = 0; f < cts[i].length; f++) {
        out[i][f] = new BigInteger[cts[i][f].length];
        for (int c = 0; c < cts[i][f].length; c++) cells.add(new int[] {i, f, c});
      }
    }
    workers.forEach("decrypting " + tag + " from " + host, cells.size(), k -> {
      int[] x = cells.get(k);
      try {
        out[x[0]][x[1]][x[2]] = sk.decrypt(cts[x[0]][x[1]][x[2]]);
      } catch (IllegalArgumentException e) {
        throw new SecureBoostException("SecureBoost guest refused " + tag + " from " + host + ": ciphertext " + x[2] + " of feature " + x[1]
            + " is not a ciphertext: " + e.getMessage(), e);
      }
    });
    return out;
  }

  private static int[][] split(int[] rows, boolean[] left) {
    int nl = 0;
    for (boolean b : left) if (b) nl++;
    int[] l = new int[nl];
    int[] r = new int[rows.length - nl];
    int a = 0;
    int c = 0;
    for (int j = 0; j < rows.length; j++) {
      if (left[j]) l[a++] = rows[j];
      else r[c++] = rows[j];
    }
    return new int[][] {l, r};
  }
}
