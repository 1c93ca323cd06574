package io.lianbang.vertical.boost;

import io.lianbang.privacy.paillier.PaillierPublicKey;
import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.link.PayloadWriter;
import io.lianbang.vertical.parallel.CryptoWorkers;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A host (passive party) of SecureBoost training (Cheng et al. 2019, Algorithm 1; FATE's
 * HeteroSecureBoostingTreeHost). Its rows must be in the intersection order shared with the guest.
 *
 * <p>It bins its features locally ({@link FeatureBins}; split points never leave it), tells the
 * guest only the number of bins per feature, and per node sums the guest's encrypted (g, h) of the
 * node's rows into cumulative bins, packed several bins per ciphertext ({@link GhPacking}). For each
 * split the guest picks on its features it stores the split point under a fresh record id
 * ({@link HostLookupTable}) and returns the rows going left.
 *
 * <p>Everything from the guest is checked: the key size, the row count against its table, trees
 * and depth against its own {@link BoostParams}, ciphertext counts and ranges, node rows (in range,
 * increasing, disjoint) and split (feature, bin) pairs.
 */
public final class SecureBoostHost {
  /** The largest Paillier modulus accepted, in bits. */
  public static final int MAX_KEY_BITS = 8192;
  /** The smallest Paillier modulus accepted, in bits. */
  public static final int MIN_KEY_BITS = 1024;

  private final PartyLink link;
  private final String guest;
  private final VerticalTable table;
  private final BoostParams params;
  private final Wire wire;
  private int threads = CryptoWorkers.defaultThreads();

  /**
   * A host answering {@code guest}.
   *
   * @throws IllegalArgumentException if guest names this party or the table is empty
   */
  public SecureBoostHost(PartyLink link, String guest, VerticalTable table, BoostParams params) {
    this.link = Objects.requireNonNull(link, "link");
    this.guest = Objects.requireNonNull(guest, "guest");
    this.table = Objects.requireNonNull(table, "table");
    this.params = Objects.requireNonNull(params, "params");
    if (guest.equals(link.self())) throw new IllegalArgumentException("guest must be another party than this host " + guest);
    if (table.rows() < 1) throw new IllegalArgumentException("table must have rows");
    this.wire = new Wire(link, "SecureBoost host", params.receiveTimeout());
  }

  private record Setup(PaillierPublicKey key, GhPacking packing) {}

  private record Node(int id, int[] rows) {}

  /**
   * Sets the number of threads that build the encrypted histograms (default {@link
   * CryptoWorkers#defaultThreads()}); the histograms are the same for any count. Call before
   * {@link #run}.
   *
   * @return this host
   * @throws IllegalArgumentException if threads is outside [1, {@value CryptoWorkers#MAX_THREADS}]
   */
  public SecureBoostHost threads(int threads) {
    this.threads = CryptoWorkers.checkThreads(threads);
    return this;
  }

  /**
   * Serves the guest until every tree is built. The histograms of a level (one per open node and
   * feature) are built on {@link #threads} threads within {@link BoostParams#receiveTimeout()};
   * the threads stop when the run ends, also on failure.
   *
   * @return this host's lookup table: the split points of the guest's model's records
   * @throws SecureBoostException if the guest is lost, times out or sends a malformed message
   * @throws IllegalStateException if a level's histograms miss the deadline
   */
  public HostLookupTable run() {
    try (CryptoWorkers workers = CryptoWorkers.start(threads, params.receiveTimeout())) {
      return serve(workers);
    }
  }

  private HostLookupTable serve(CryptoWorkers workers) {
    int n = table.rows();
    Setup setup = wire.parse(guest, SecureBoostProtocol.SETUP, in -> {
      BigInteger modulus = in.getBigInteger("n", MAX_KEY_BITS);
      if (modulus.bitLength() < MIN_KEY_BITS || !modulus.testBit(0)) {
        throw new IllegalArgumentException("n must be an odd modulus of " + MIN_KEY_BITS + " to " + MAX_KEY_BITS + " bits, got " + modulus.bitLength() + " bits");
      }
      int rows = in.getInt("rows");
      if (rows != n) throw new IllegalArgumentException("rows must be this host's " + n + ", got " + rows);
      int trees = in.getInt("trees");
      if (trees != params.trees()) throw new IllegalArgumentException("trees " + trees + " differs from this host's trees " + params.trees());
      int depth = in.getInt("maxDepth");
      if (depth != params.maxDepth()) throw new IllegalArgumentException("maxDepth " + depth + " differs from this host's maxDepth " + params.maxDepth());
      int perCiphertext = in.getInt("binsPerCiphertext");
      PaillierPublicKey key = new PaillierPublicKey(modulus);
      return new Setup(key, new GhPacking(key, n, perCiphertext));
    });
    BigInteger nn = setup.key.nSquared();
    int maxBits = nn.bitLength();
    FeatureBins bins = FeatureBins.fit(table.features(), table.columns(), params.maxBins());
    int[][] binned = bins.binColumns(table.features());
    int[] counts = IntStream.range(0, bins.features()).map(bins::bins).toArray();
    wire.send(guest, SecureBoostProtocol.BINS, new PayloadWriter().putInts(counts).toByteArray());
    List<HostLookupTable.Entry> records = new ArrayList<>();

    for (int t = 0; t < params.trees(); t++) {
      BigInteger[] gh = wire.parse(guest, SecureBoostProtocol.GH + "/" + t, in -> {
        BigInteger[] c = in.getBigIntegers("gh", n, maxBits);
        if (c.length != n) throw new IllegalArgumentException("gh must have " + n + " ciphertexts, got " + c.length);
        for (int r = 0; r < n; r++) {
          if (c[r].signum() <= 0 || c[r].compareTo(nn) >= 0) throw new IllegalArgumentException("gh[" + r + "] is not in (0, n²)");
        }
        return c;
      });
      for (int d = 0; d < params.maxDepth(); d++) {
        String step = t + "." + d;
        int maxNodes = 1 << d;
        List<Node> open = wire.parse(guest, SecureBoostProtocol.NODES + "/" + step, in -> {
          int count = in.getInt("nodes");
          if (count < 0 || count > maxNodes) throw new IllegalArgumentException("nodes must be in [0, " + maxNodes + "] at depth " + step + ", got " + count);
          boolean[] used = new boolean[n];
          Set<Integer> ids = new HashSet<>();
          List<Node> out = new ArrayList<>();
          for (int i = 0; i < count; i++) {
            int id = in.getInt("node");
            if (id < 0 || !ids.add(id)) throw new IllegalArgumentException("node must be a new non-negative id, got " + id);
            int[] rows = in.getInts("rows of node " + id, n);
            for (int j = 0; j < rows.length; j++) {
              int r = rows[j];
              if (r < 0 || r >= n || used[r] || (j > 0 && r <= rows[j - 1])) {
                throw new IllegalArgumentException("rows of node " + id + " must be increasing, distinct rows in [0, " + n + "), got " + r + " at " + j);
              }
              used[r] = true;
            }
            out.add(new Node(id, rows));
          }
          return out;
        });
        if (open.isEmpty()) break;
        int features = bins.features();
        BigInteger[][][] perNode = new BigInteger[open.size()][features][];
        workers.forEach("building the histograms of step " + step, Math.multiplyExact(open.size(), features), k -> {
          int i = k / features;
          int f = k % features;
          perNode[i][f] = histogram(setup, gh, open.get(i).rows, binned[f], bins.bins(f));
        });
        PayloadWriter hist = new PayloadWriter().putInt(open.size());
        for (int i = 0; i < open.size(); i++) {
          hist.putInt(open.get(i).id);
          for (BigInteger[] c : perNode[i]) hist.putBigIntegers(c);
        }
        wire.send(guest, SecureBoostProtocol.HIST + "/" + step, hist.toByteArray());
        PayloadWriter assign = new PayloadWriter();
        wire.parse(guest, SecureBoostProtocol.SPLIT + "/" + step, in -> {
          int count = in.getInt("splits");
          if (count < 0 || count > open.size()) throw new IllegalArgumentException("splits must be in [0, " + open.size() + "], got " + count);
          assign.putInt(count);
          Set<Integer> done = new HashSet<>();
          for (int i = 0; i < count; i++) {
            int id = in.getInt("node");
            Node node = open.stream().filter(x -> x.id == id).findFirst().orElse(null);
            if (node == null || !done.add(id)) throw new IllegalArgumentException("node " + id + " is not an open node of this step or was split twice");
            int f = in.getInt("feature");
            if (f < 0 || f >= bins.features()) throw new IllegalArgumentException("feature must be in [0, " + bins.features() + "), got " + f);
            int b = in.getInt("bin");
            if (b < 0 || b >= bins.bins(f) - 1) throw new IllegalArgumentException("bin of feature " + f + " must be in [0, " + (bins.bins(f) - 1) + "), got " + b);
            boolean[] left = new boolean[node.rows.length];
            for (int j = 0; j < left.length; j++) left[j] = binned[f][node.rows[j]] <= b;
            int record = records.size();
            records.add(new HostLookupTable.Entry(f, table.featureNames().get(f), b, bins.threshold(f, b)));
            assign.putInt(id).putInt(record).putBytes(Wire.bitmap(left));
          }
          return null;
        });
        wire.send(guest, SecureBoostProtocol.ASSIGN + "/" + step, assign.toByteArray());
      }
    }
    return new HostLookupTable(link.self(), records);
  }

  /** The packed cumulative histogram of one feature over a node's rows (bins below the last). */
  private static BigInteger[] histogram(Setup setup, BigInteger[] gh, int[] rows, int[] bins, int binCount) {
    if (binCount < 2) return new BigInteger[0];
    PaillierPublicKey key = setup.key;
    BigInteger[] sum = new BigInteger[binCount - 1];
    int[] count = new int[binCount - 1];
    for (int r : rows) {
      int b = bins[r];
      if (b == binCount - 1) continue;
      sum[b] = sum[b] == null ? gh[r] : key.add(sum[b], gh[r]);
      count[b]++;
    }
    BigInteger acc = key.zero();
    int c = 0;
    for (int b = 0; b < binCount - 1; b++) {
      if (sum[b] != null) acc = key.add(acc, sum[b]);
      c += count[b];
      sum[b] = acc;
      count[b] = c;
    }
    return setup.packing.packBins(sum, count, rows.length);
  }
}
