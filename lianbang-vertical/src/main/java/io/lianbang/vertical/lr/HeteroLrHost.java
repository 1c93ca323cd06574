package io.lianbang.vertical.lr;

import static io.lianbang.vertical.lr.HeteroLrArbiter.check;
import static io.lianbang.vertical.lr.HeteroLrArbiter.refused;
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
import java.util.Objects;

/**
 * A host of hetero logistic regression: it holds features only. Per batch it sends its encrypted
 * 0.25·w_h·x_h to the guest, receives the encrypted residuals, computes its encrypted gradient
 * sums homomorphically and learns them through the arbiter behind a mask. See the package javadoc.
 */
public final class HeteroLrHost {
  private final HeteroLrParams params;
  private final VerticalTable table;
  private final String guest;
  private final String arbiter;
  private int threads = CryptoWorkers.defaultThreads();

  /**
   * A host training on {@code table} (rows aligned with the guest's) with {@code guest} and {@code arbiter}.
   *
   * @throws IllegalArgumentException if the table has no rows or no features, or the names are equal
   */
  public HeteroLrHost(HeteroLrParams params, VerticalTable table, String guest, String arbiter) {
    this.params = Objects.requireNonNull(params, "params");
    this.table = Objects.requireNonNull(table, "table");
    this.guest = Objects.requireNonNull(guest, "guest");
    this.arbiter = Objects.requireNonNull(arbiter, "arbiter");
    if (table.rows() == 0 || table.columns() == 0) {
      throw new IllegalArgumentException("a host's table needs rows and features, got " + table.rows() + " rows and " + table.columns() + " features");
    }
    if (guest.equals(arbiter)) throw new IllegalArgumentException("guest and arbiter must be different parties, both are " + guest);
  }

  /**
   * Sets the number of threads for this party's encryptions and homomorphic sums (default {@link
   * CryptoWorkers#defaultThreads()}); the model is the same for any count. Call before {@code run}.
   *
   * @return this host
   * @throws IllegalArgumentException if threads is outside [1, {@value CryptoWorkers#MAX_THREADS}]
   */
  public HeteroLrHost threads(int threads) {
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
   * @return the host's weights
   * @throws LinkException naming the peer and step if a peer is lost, times out or sends a malformed message
   * @throws IllegalStateException if this party's own encryptions or sums miss the deadline
   */
  public HeteroLrHostModel run(PartyLink link) {
    try (CryptoWorkers workers = CryptoWorkers.start(threads, params.timeout())) {
      return train(link, workers);
    }
  }

  private HeteroLrHostModel train(PartyLink link, CryptoWorkers workers) {
    Channel ch = new Channel(link, params.timeout());
    SecureRandom random = new SecureRandom();
    int f = params.fractionBits();
    int n = table.rows();
    int d = table.columns();
    double[][] x = table.features();

    PaillierPublicKey key = HeteroLrGuest.readKey(ch, arbiter, params.keyBits());
    ch.send(guest, "lr.hello/0", new PayloadWriter().putInt(n).putInt(d).toByteArray());
    ch.send(arbiter, "lr.hello/0", new PayloadWriter().putInt(d).toByteArray());
    PayloadReader plan = ch.receive(guest, "lr.plan/0");
    int batchCount = plan.getInt("batches");
    int withLoss = plan.getInt("withLoss");
    plan.end();
    check("lr.plan/0 from " + guest, "batches", batchCount, 1, n);
    check("lr.plan/0 from " + guest, "withLoss", withLoss, 0, 1);
    ObfuscatorPool obfuscators = workers.obfuscators(key, (n + batchCount - 1) / batchCount + d + 2);

    double[] w = new double[d];
    LrOptimizer optimizer = new LrOptimizer(params, d);
    boolean converged = false;
    int t = 0;
    while (t < params.maxIter() && !converged) {
      double[] total = new double[d];
      for (int b = 0; b < batchCount; b++) {
        int[] rows = readBatch(ch, guest, tag("lr.batch", t, b), n);
        int m = rows.length;
        double[] quarter = new double[m];
        double square = 0;
        for (int i = 0; i < m; i++) {
          double wx = HeteroLrGuest.dot(w, x[rows[i]]);
          quarter[i] = 0.25 * wx;
          square += wx * wx;
        }
        BigInteger[] forward = LrCrypto.encryptAll(workers, obfuscators, quarter, f);
        ObfuscatorSource few = obfuscators;
        if (t == params.maxIter() - 1 && b == batchCount - 1) {
          // the run's last large encryption: stop the pool, which would compute values nobody uses
          obfuscators.close();
          few = ObfuscatorSource.inline(key, random);
        }
        ch.send(guest, tag("lr.forward", t, b), new PayloadWriter().putBigIntegers(forward).toByteArray());
        if (withLoss == 1) {
          double regular = params.penalty() == HeteroLrParams.Penalty.L2 ? 0.5 * params.alpha() * HeteroLrGuest.dot(w, w) : 0;
          BigInteger[] part = LrCrypto.encryptAll(workers, few, new double[] {square, regular}, f);
          ch.send(guest, tag("lr.loss_part", t, b), new PayloadWriter().putBigIntegers(part).toByteArray());
        }
        BigInteger[] residual = HeteroLrGuest.readCiphertexts(ch, guest, tag("lr.residual", t, b), "residual", m, key);
        BigInteger[] sums = LrCrypto.columnSums(workers, key, residual, x, rows, d, f);
        BigInteger[] masks = LrCrypto.addMasks(workers, few, sums, random);
        ch.send(arbiter, tag("lr.masked_gradient", t, b), new PayloadWriter().putBigIntegers(sums).toByteArray());
        String plainTag = tag("lr.masked_plain", t, b);
        PayloadReader r = ch.receive(arbiter, plainTag);
        BigInteger[] plain = r.getBigIntegers("maskedSum", d, params.keyBits());
        r.end();
        if (plain.length != d) throw refused(plainTag + " from " + arbiter, "maskedSum count must be " + d + ", got " + plain.length);
        LrCrypto.checkResidues(plainTag + " from " + arbiter, "maskedSum", plain, key);
        double[] g = new double[d];
        for (int j = 0; j < d; j++) {
          BigInteger s = LrCrypto.signed(plain[j].subtract(masks[j]).mod(key.n()), key.n());
          g[j] = LrCrypto.decode(s, 2 * f) / m;
          if (params.penalty() == HeteroLrParams.Penalty.L2) g[j] += params.alpha() * w[j];
        }
        double[] delta = optimizer.delta(t, g);
        for (int j = 0; j < d; j++) {
          w[j] -= delta[j];
          total[j] += delta[j];
        }
      }
      if (params.earlyStop() == HeteroLrParams.EarlyStop.WEIGHT_DIFF) {
        ch.send(arbiter, tag("lr.delta_norm", t), new PayloadWriter().putDouble(HeteroLrGuest.dot(total, total)).toByteArray());
      }
      converged = HeteroLrGuest.readConverged(ch, arbiter, t);
      t++;
    }
    return new HeteroLrHostModel(table.featureNames(), w, t, converged);
  }

  /** The row indices of a batch from {@code guest}: at most {@code n}, distinct, in [0, n). */
  static int[] readBatch(Channel ch, String guest, String tag, int n) {
    PayloadReader r = ch.receive(guest, tag);
    int[] rows = r.getInts("rows", n);
    r.end();
    String what = tag + " from " + guest;
    if (rows.length == 0) throw refused(what, "rows is empty");
    boolean[] seen = new boolean[n];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] < 0 || rows[i] >= n) throw refused(what, "rows[" + i + "] must be in [0, " + n + "), got " + rows[i]);
      if (seen[rows[i]]) throw refused(what, "rows[" + i + "] repeats row " + rows[i]);
      seen[rows[i]] = true;
    }
    return rows;
  }
}
