package io.lianbang.vertical.lr;

import static io.lianbang.vertical.lr.HeteroLrArbiter.check;
import static io.lianbang.vertical.lr.HeteroLrArbiter.refused;
import static io.lianbang.vertical.lr.HeteroLrProtocol.tag;

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
 * The host of the two-party variant (no arbiter; see {@link HeteroLrTwoPartyGuest}): it sends its
 * partial forwards in the clear, computes its gradient sums on the guest's encrypted residuals and
 * learns them from the guest behind uniform masks in Z_n.
 */
public final class HeteroLrTwoPartyHost {
  private final HeteroLrParams params;
  private final VerticalTable table;
  private final String guest;
  private int threads = CryptoWorkers.defaultThreads();

  /**
   * A host training on {@code table} with {@code guest}.
   *
   * @throws IllegalArgumentException if the table has no rows or no features
   */
  public HeteroLrTwoPartyHost(HeteroLrParams params, VerticalTable table, String guest) {
    this.params = Objects.requireNonNull(params, "params");
    this.table = Objects.requireNonNull(table, "table");
    this.guest = Objects.requireNonNull(guest, "guest");
    if (table.rows() == 0 || table.columns() == 0) {
      throw new IllegalArgumentException("a host's table needs rows and features, got " + table.rows() + " rows and " + table.columns() + " features");
    }
  }

  /**
   * Sets the number of threads for this party's homomorphic sums and mask encryptions (default {@link
   * CryptoWorkers#defaultThreads()}); the model is the same for any count. Call before {@code run}.
   *
   * @return this host
   * @throws IllegalArgumentException if threads is outside [1, {@value CryptoWorkers#MAX_THREADS}]
   */
  public HeteroLrTwoPartyHost threads(int threads) {
    this.threads = CryptoWorkers.checkThreads(threads);
    return this;
  }

  /**
   * Trains until the guest declares convergence or {@code maxIter} iterations ran. Homomorphic sums
   * and mask encryptions run on {@link #threads} threads within {@link HeteroLrParams#timeout()};
   * the threads stop when the run ends, also on failure.
   *
   * @throws LinkException naming the peer and step if the guest is lost, times out or sends a malformed message
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
    PayloadReader kr = ch.receive(guest, "lr2.key/0");
    BigInteger modulus = kr.getBigInteger("n", params.keyBits());
    kr.end();
    if (modulus.bitLength() != params.keyBits() || !modulus.testBit(0)) {
      throw refused("lr2.key/0 from " + guest, "n must be an odd " + params.keyBits() + "-bit modulus (keyBits), got " + modulus.bitLength() + " bits");
    }
    PaillierPublicKey key = new PaillierPublicKey(modulus);
    ch.send(guest, "lr2.hello/0", new PayloadWriter().putInt(n).putInt(d).toByteArray());
    PayloadReader plan = ch.receive(guest, "lr2.plan/0");
    int batchCount = plan.getInt("batches");
    plan.end();
    check("lr2.plan/0 from " + guest, "batches", batchCount, 1, n);
    double alpha = params.penalty() == HeteroLrParams.Penalty.L2 ? params.alpha() : 0;

    double[] w = new double[d];
    LrOptimizer optimizer = new LrOptimizer(params, d);
    boolean converged = false;
    int t = 0;
    while (t < params.maxIter() && !converged) {
      double[] total = new double[d];
      for (int b = 0; b < batchCount; b++) {
        int[] rows = HeteroLrHost.readBatch(ch, guest, tag("lr2.batch", t, b), n);
        int m = rows.length;
        double[] q = new double[m];
        for (int i = 0; i < m; i++) q[i] = 0.25 * HeteroLrGuest.dot(w, x[rows[i]]);
        ch.send(guest, tag("lr2.forward", t, b), new PayloadWriter().putDoubles(q).putDouble(0.5 * alpha * HeteroLrGuest.dot(w, w)).toByteArray());
        BigInteger[] residual = HeteroLrGuest.readCiphertexts(ch, guest, tag("lr2.residual", t, b), "residual", m, key);
        BigInteger[] sums = LrCrypto.columnSums(workers, key, residual, x, rows, d, f);
        BigInteger[] masks = LrCrypto.addMasks(workers, ObfuscatorSource.inline(key, random), sums, random);
        ch.send(guest, tag("lr2.masked_gradient", t, b), new PayloadWriter().putBigIntegers(sums).toByteArray());
        String pt = tag("lr2.masked_plain", t, b);
        PayloadReader pr = ch.receive(guest, pt);
        BigInteger[] plain = pr.getBigIntegers("maskedSum", d, params.keyBits());
        pr.end();
        if (plain.length != d) throw refused(pt + " from " + guest, "maskedSum count must be " + d + ", got " + plain.length);
        LrCrypto.checkResidues(pt + " from " + guest, "maskedSum", plain, key);
        double[] g = new double[d];
        for (int j = 0; j < d; j++) {
          g[j] = LrCrypto.decode(LrCrypto.signed(plain[j].subtract(masks[j]).mod(key.n()), key.n()), 2 * f) / m + alpha * w[j];
        }
        double[] delta = optimizer.delta(t, g);
        for (int j = 0; j < d; j++) {
          w[j] -= delta[j];
          total[j] += delta[j];
        }
      }
      if (params.earlyStop() == HeteroLrParams.EarlyStop.WEIGHT_DIFF) {
        ch.send(guest, tag("lr2.delta_norm", t), new PayloadWriter().putDouble(HeteroLrGuest.dot(total, total)).toByteArray());
      }
      converged = HeteroLrGuest.readConverged(ch, guest, t, "lr2.converged");
      t++;
    }
    return new HeteroLrHostModel(table.featureNames(), w, t, converged);
  }
}
