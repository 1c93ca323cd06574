package io.lianbang.vertical.lr;

import static io.lianbang.vertical.lr.HeteroLrArbiter.check;
import static io.lianbang.vertical.lr.HeteroLrArbiter.refused;
import static io.lianbang.vertical.lr.HeteroLrProtocol.MAX_FEATURES;
import static io.lianbang.vertical.lr.HeteroLrProtocol.tag;

import io.lianbang.privacy.paillier.ObfuscatorPool;
import io.lianbang.privacy.paillier.ObfuscatorSource;
import io.lianbang.privacy.paillier.PaillierPublicKey;
import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.link.LinkException;
import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.link.PayloadReader;
import io.lianbang.vertical.link.PayloadWriter;
import io.lianbang.vertical.parallel.CryptoWorkers;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * The guest of hetero logistic regression: it holds the labels, some features and the intercept.
 * Per batch it forms the residuals d = 0.25·wx − 0.5·y from its own w_g·x_g + b and the hosts'
 * encrypted 0.25·w_h·x_h, sends them encrypted to the hosts, and learns its own gradient through
 * the arbiter behind a mask. See the package javadoc for the protocol.
 */
public final class HeteroLrGuest {
  private final HeteroLrParams params;
  private final VerticalTable table;
  private final String arbiter;
  private final List<String> hosts;
  private int threads = CryptoWorkers.defaultThreads();

  /**
   * A guest training on {@code table} (rows aligned with the hosts', e.g. by PSI) with the arbiter
   * {@code arbiter} and hosts {@code hosts}.
   *
   * @throws IllegalArgumentException if the table has no labels or no rows, there is no host, a
   *     name repeats, or the early stop needs the loss with more than one host
   */
  public HeteroLrGuest(HeteroLrParams params, VerticalTable table, String arbiter, List<String> hosts) {
    this.params = Objects.requireNonNull(params, "params");
    this.table = Objects.requireNonNull(table, "table");
    this.arbiter = Objects.requireNonNull(arbiter, "arbiter");
    this.hosts = List.copyOf(hosts);
    if (!table.hasLabels()) throw new IllegalArgumentException("the guest's table must hold the labels (column y)");
    if (table.rows() == 0) throw new IllegalArgumentException("the guest's table has no rows");
    checkParties(params, arbiter, this.hosts);
  }

  static void checkParties(HeteroLrParams params, String other, List<String> hosts) {
    if (hosts.isEmpty()) throw new IllegalArgumentException("hosts must name at least one host");
    if (new HashSet<>(hosts).size() != hosts.size() || hosts.contains(other)) {
      throw new IllegalArgumentException("party names must be distinct, got " + other + " and hosts " + hosts);
    }
    if (hosts.size() > 1 && params.earlyStop() != HeteroLrParams.EarlyStop.WEIGHT_DIFF) {
      throw new IllegalArgumentException("earlyStop " + params.earlyStop() + " needs the loss, which is computed with one host only (as in"
          + " FATE); with " + hosts.size() + " hosts use WEIGHT_DIFF");
    }
  }

  /**
   * Sets the number of threads for this party's encryptions and homomorphic sums (default {@link
   * CryptoWorkers#defaultThreads()}); the model is the same for any count. Call before {@code run}.
   *
   * @return this guest
   * @throws IllegalArgumentException if threads is outside [1, {@value CryptoWorkers#MAX_THREADS}]
   */
  public HeteroLrGuest threads(int threads) {
    this.threads = CryptoWorkers.checkThreads(threads);
    return this;
  }

  /**
   * Trains until the arbiter declares convergence or {@code maxIter} iterations ran.
   *
   * <p>Encryptions and homomorphic sums run on {@link #threads} threads, each batch of them within
   * {@link HeteroLrParams#timeout()}; background threads compute the randomness of the next batch's
   * encryptions while the party waits for its peers (an {@link
   * io.lianbang.privacy.paillier.ObfuscatorPool} of at most one batch's encryptions, stopped after
   * the last large encryption of the last possible iteration; an early stop leaves at most one
   * batch's values unused). All threads stop when the run ends, also on failure.
   *
   * @return the guest's weights and intercept
   * @throws LinkException naming the peer and step if a peer is lost, times out or sends a malformed message
   * @throws IllegalStateException if this party's own encryptions or sums miss the deadline
   */
  public HeteroLrGuestModel run(PartyLink link) {
    try (CryptoWorkers workers = CryptoWorkers.start(threads, params.timeout())) {
      return train(link, workers);
    }
  }

  private HeteroLrGuestModel train(PartyLink link, CryptoWorkers workers) {
    Channel ch = new Channel(link, params.timeout());
    SecureRandom random = new SecureRandom();
    int f = params.fractionBits();
    int n = table.rows();
    int d = table.columns();
    double[] y = new double[n];
    for (int i = 0; i < n; i++) y[i] = table.labels()[i] == 1 ? 1 : -1;
    double[][] x = new double[n][];
    for (int i = 0; i < n; i++) {
      x[i] = java.util.Arrays.copyOf(table.features()[i], d + 1);
      x[i][d] = 1;
    }

    PaillierPublicKey key = readKey(ch, arbiter, params.keyBits());
    int batchCount = MiniBatches.count(n, params);
    ObfuscatorPool obfuscators = workers.obfuscators(key, (n + batchCount - 1) / batchCount + d + 2);
    for (String h : hosts) {
      PayloadReader hello = ch.receive(h, "lr.hello/0");
      int rows = hello.getInt("rows");
      int features = hello.getInt("features");
      hello.end();
      if (rows != n) throw refused("lr.hello/0 from " + h, "rows must be " + n + " (the guest's rows), got " + rows);
      check("lr.hello/0 from " + h, "features", features, 1, MAX_FEATURES);
    }
    boolean withLoss = hosts.size() == 1;
    ch.send(arbiter, "lr.plan/0", new PayloadWriter().putInt(n).putInt(d + 1).putInt(batchCount).toByteArray());
    byte[] hostPlan = new PayloadWriter().putInt(batchCount).putInt(withLoss ? 1 : 0).toByteArray();
    for (String h : hosts) ch.send(h, "lr.plan/0", hostPlan);

    double[] w = new double[d + 1]; // the intercept last, as in FATE
    LrOptimizer optimizer = new LrOptimizer(params, d + 1);
    boolean converged = false;
    int t = 0;
    while (t < params.maxIter() && !converged) {
      int[][] batches = MiniBatches.of(n, params, t);
      double[] total = new double[d + 1];
      for (int b = 0; b < batches.length; b++) {
        int[] rows = batches[b];
        int m = rows.length;
        byte[] batchMsg = new PayloadWriter().putInts(rows).toByteArray();
        for (String h : hosts) ch.send(h, tag("lr.batch", t, b), batchMsg);
        double[] wx = new double[m];
        double[] guestResidual = new double[m];
        for (int i = 0; i < m; i++) {
          wx[i] = dot(w, x[rows[i]]);
          guestResidual[i] = 0.25 * wx[i] - 0.5 * y[rows[i]];
        }
        BigInteger[] residual = LrCrypto.encryptAll(workers, obfuscators, guestResidual, f);
        ObfuscatorSource few = obfuscators;
        if (t == params.maxIter() - 1 && b == batches.length - 1) {
          // the run's last large encryption: stop the pool, which would compute values nobody uses
          obfuscators.close();
          few = ObfuscatorSource.inline(key, random);
        }
        BigInteger[] forward0 = null;
        for (String h : hosts) {
          BigInteger[] forward = readCiphertexts(ch, h, tag("lr.forward", t, b), "forward", m, key);
          for (int i = 0; i < m; i++) residual[i] = key.add(residual[i], forward[i]);
          if (forward0 == null) forward0 = forward;
        }
        for (String h : hosts) ch.send(h, tag("lr.residual", t, b), new PayloadWriter().putBigIntegers(residual).toByteArray());

        BigInteger[] sums = LrCrypto.columnSums(workers, key, residual, x, rows, d + 1, f);
        BigInteger[] masks = LrCrypto.addMasks(workers, few, sums, random);
        ch.send(arbiter, tag("lr.masked_gradient", t, b), new PayloadWriter().putBigIntegers(sums).toByteArray());

        if (withLoss) sendLoss(ch, workers, few, t, b, rows, wx, y, w, forward0);

        String plainTag = tag("lr.masked_plain", t, b);
        PayloadReader r = ch.receive(arbiter, plainTag);
        BigInteger[] plain = r.getBigIntegers("maskedSum", d + 1, params.keyBits());
        r.end();
        if (plain.length != d + 1) throw refused(plainTag + " from " + arbiter, "maskedSum count must be " + (d + 1) + ", got " + plain.length);
        LrCrypto.checkResidues(plainTag + " from " + arbiter, "maskedSum", plain, key);
        double[] g = new double[d + 1];
        for (int j = 0; j <= d; j++) {
          BigInteger s = LrCrypto.signed(plain[j].subtract(masks[j]).mod(key.n()), key.n());
          g[j] = LrCrypto.decode(s, 2 * f) / m;
          if (j < d && params.penalty() == HeteroLrParams.Penalty.L2) g[j] += params.alpha() * w[j];
        }
        double[] delta = optimizer.delta(t, g);
        for (int j = 0; j <= d; j++) {
          w[j] -= delta[j];
          total[j] += delta[j];
        }
      }
      if (params.earlyStop() == HeteroLrParams.EarlyStop.WEIGHT_DIFF) {
        ch.send(arbiter, tag("lr.delta_norm", t), new PayloadWriter().putDouble(dot(total, total)).toByteArray());
      }
      converged = readConverged(ch, arbiter, t);
      t++;
    }
    return new HeteroLrGuestModel(table.featureNames(), java.util.Arrays.copyOf(w, d), w[d], t, converged);
  }

  /**
   * E(m·loss) of the batch of m rows, FATE's Taylor loss (hetero_lr_gradient_and_loss.Guest.compute_loss):
   * loss = log 2 − (1/m)·Σ ½·y·wx + (1/m)·Σ ⅛·(wx)² + α/2·‖w_g‖² + α/2·‖w_h‖², wx = wx_g + wx_h.
   * With q = 0.25·wx_h encrypted, m·loss is the guest's plaintext part plus Σ q_i·(wx_g,i − 2·y_i)
   * plus ⅛·E(Σ wx_h²) plus m·E(α/2·‖w_h‖²), all at scale 2^(2f) with integer or power-of-two
   * factors only, so the arbiter's division by m is the only rounding beyond the encodings.
   */
  private void sendLoss(Channel ch, CryptoWorkers workers, ObfuscatorSource obfuscators, int t, int b, int[] rows, double[] wx, double[] y,
      double[] w, BigInteger[] q) {
    PaillierPublicKey key = obfuscators.key();
    int f = params.fractionBits();
    int m = rows.length;
    String host = hosts.get(0);
    BigInteger[] part = readCiphertexts(ch, host, tag("lr.loss_part", t, b), "lossPart", 2, key);
    double plain = m * Math.log(2);
    double[][] coef = new double[m][1];
    int[] all = new int[m];
    for (int i = 0; i < m; i++) {
      double yi = y[rows[i]];
      plain += -0.5 * yi * wx[i] + 0.125 * wx[i] * wx[i];
      coef[i][0] = wx[i] - 2 * yi;
      all[i] = i;
    }
    if (params.penalty() == HeteroLrParams.Penalty.L2) {
      double norm = 0;
      for (int j = 0; j < w.length - 1; j++) norm += w[j] * w[j];
      plain += m * 0.5 * params.alpha() * norm;
    }
    BigInteger loss = obfuscators.encrypt(LrCrypto.encode(plain, 2 * f).mod(key.n()));
    loss = key.add(loss, LrCrypto.columnSums(workers, key, q, coef, all, 1, f)[0]);
    loss = key.add(loss, key.multiply(part[0], BigInteger.ONE.shiftLeft(f - 3)));
    loss = key.add(loss, key.multiply(part[1], BigInteger.valueOf(m).shiftLeft(f)));
    ch.send(arbiter, tag("lr.loss", t, b), new PayloadWriter().putInt(m).putBigIntegers(new BigInteger[] {loss}).toByteArray());
  }

  static PaillierPublicKey readKey(Channel ch, String arbiter, int keyBits) {
    PayloadReader r = ch.receive(arbiter, "lr.key/0");
    BigInteger n = r.getBigInteger("n", keyBits);
    r.end();
    if (n.bitLength() != keyBits || !n.testBit(0)) {
      throw refused("lr.key/0 from " + arbiter, "n must be an odd " + keyBits + "-bit modulus (keyBits), got " + n.bitLength() + " bits");
    }
    return new PaillierPublicKey(n);
  }

  static BigInteger[] readCiphertexts(Channel ch, String from, String tag, String field, int count, PaillierPublicKey key) {
    PayloadReader r = ch.receive(from, tag);
    BigInteger[] c = r.getBigIntegers(field, count, 2 * key.bits());
    r.end();
    String what = tag + " from " + from;
    if (c.length != count) throw refused(what, field + " count must be " + count + ", got " + c.length);
    LrCrypto.checkCiphertexts(what, field, c, key);
    return c;
  }

  static boolean readConverged(Channel ch, String arbiter, int t) {
    return readConverged(ch, arbiter, t, "lr.converged");
  }

  static boolean readConverged(Channel ch, String arbiter, int t, String kind) {
    String tag = tag(kind, t);
    PayloadReader r = ch.receive(arbiter, tag);
    int v = r.getInt("converged");
    r.end();
    if (v != 0 && v != 1) throw refused(tag + " from " + arbiter, "converged must be 0 or 1, got " + v);
    return v == 1;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int j = 0; j < a.length; j++) s += a[j] * b[j];
    return s;
  }
}
