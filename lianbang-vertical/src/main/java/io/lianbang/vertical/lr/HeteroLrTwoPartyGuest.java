package io.lianbang.vertical.lr;

import static io.lianbang.vertical.lr.HeteroLrArbiter.check;
import static io.lianbang.vertical.lr.HeteroLrArbiter.refused;
import static io.lianbang.vertical.lr.HeteroLrProtocol.MAX_FEATURES;
import static io.lianbang.vertical.lr.HeteroLrProtocol.tag;

import io.lianbang.privacy.paillier.ObfuscatorPool;
import io.lianbang.privacy.paillier.PaillierKeyPair;
import io.lianbang.vertical.data.VerticalTable;
import io.lianbang.vertical.link.LinkException;
import io.lianbang.vertical.link.PartyLink;
import io.lianbang.vertical.link.PayloadReader;
import io.lianbang.vertical.link.PayloadWriter;
import io.lianbang.vertical.parallel.CryptoWorkers;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The guest of the two-party variant (no arbiter): the guest holds the Paillier key. Per batch the
 * host sends its partial forwards 0.25·w_h·x_h in the clear, the guest forms the residuals d and
 * its own gradient in the clear, sends E(d) to the host, decrypts the host's masked gradient sums
 * and returns them masked; the guest computes the loss and decides convergence. Same update rule as
 * {@link HeteroLrReference}.
 *
 * <p>Privacy: the guest learns the host's partial scores w_h·x_h of every batch row in every
 * iteration (and α/2·‖w_h‖² for the loss), which the three-party protocol hides from it; the host
 * learns only encrypted residuals and its own gradient. A variant hiding w_h·x_h needs secret
 * sharing of wx between the parties (FATE's SSHE-LR, Chen et al. 2021, "When homomorphic encryption
 * marries secret sharing", KDD) and is not implemented.
 */
public final class HeteroLrTwoPartyGuest {
  private final HeteroLrParams params;
  private final VerticalTable table;
  private final String host;
  private int threads = CryptoWorkers.defaultThreads();

  /**
   * A guest training on {@code table} with the single host {@code host}.
   *
   * @throws IllegalArgumentException if the table has no labels or no rows
   */
  public HeteroLrTwoPartyGuest(HeteroLrParams params, VerticalTable table, String host) {
    this.params = Objects.requireNonNull(params, "params");
    this.table = Objects.requireNonNull(table, "table");
    this.host = Objects.requireNonNull(host, "host");
    if (!table.hasLabels()) throw new IllegalArgumentException("the guest's table must hold the labels (column y)");
    if (table.rows() == 0) throw new IllegalArgumentException("the guest's table has no rows");
  }

  /**
   * The guest's model and the loss of each iteration.
   *
   * @param model the guest's weights and intercept
   * @param lossHistory the mean Taylor loss of each iteration
   */
  public record Result(HeteroLrGuestModel model, List<Double> lossHistory) {
    /** Copies the list. */
    public Result {
      lossHistory = List.copyOf(lossHistory);
    }
  }

  /**
   * Sets the number of threads for this party's encryptions and decryptions (default {@link
   * CryptoWorkers#defaultThreads()}); the model is the same for any count. Call before {@code run}.
   *
   * @return this guest
   * @throws IllegalArgumentException if threads is outside [1, {@value CryptoWorkers#MAX_THREADS}]
   */
  public HeteroLrTwoPartyGuest threads(int threads) {
    this.threads = CryptoWorkers.checkThreads(threads);
    return this;
  }

  /**
   * Trains until convergence or {@code maxIter} iterations. Encryptions and decryptions run on
   * {@link #threads} threads within {@link HeteroLrParams#timeout()}, with randomness computed
   * ahead while the host works (an {@link io.lianbang.privacy.paillier.ObfuscatorPool} of at most
   * one batch); all threads stop when the run ends, also on failure.
   *
   * @throws LinkException naming the peer and step if the host is lost, times out or sends a malformed message
   * @throws IllegalStateException if this party's own encryptions or sums miss the deadline
   */
  public Result run(PartyLink link) {
    try (CryptoWorkers workers = CryptoWorkers.start(threads, params.timeout())) {
      return train(link, workers);
    }
  }

  private Result train(PartyLink link, CryptoWorkers workers) {
    Channel ch = new Channel(link, params.timeout());
    SecureRandom random = new SecureRandom();
    PaillierKeyPair keys = PaillierKeyPair.generate(params.keyBits(), random);
    int f = params.fractionBits();
    int n = table.rows();
    int d = table.columns();
    double[] y = new double[n];
    for (int i = 0; i < n; i++) y[i] = table.labels()[i] == 1 ? 1 : -1;
    double[][] x = table.features();
    double alpha = params.penalty() == HeteroLrParams.Penalty.L2 ? params.alpha() : 0;

    ch.send(host, "lr2.key/0", new PayloadWriter().putBigInteger(keys.publicKey().n()).toByteArray());
    PayloadReader hello = ch.receive(host, "lr2.hello/0");
    int rows = hello.getInt("rows");
    int hostFeatures = hello.getInt("features");
    hello.end();
    if (rows != n) throw refused("lr2.hello/0 from " + host, "rows must be " + n + " (the guest's rows), got " + rows);
    check("lr2.hello/0 from " + host, "features", hostFeatures, 1, MAX_FEATURES);
    int batchCount = MiniBatches.count(n, params);
    ch.send(host, "lr2.plan/0", new PayloadWriter().putInt(batchCount).toByteArray());
    ObfuscatorPool obfuscators = workers.obfuscators(keys.publicKey(), (n + batchCount - 1) / batchCount);

    double[] w = new double[d];
    double[] b = new double[1];
    LrOptimizer optimizer = new LrOptimizer(params, d + 1);
    List<Double> history = new ArrayList<>();
    Double previous = null;
    boolean converged = false;
    int t = 0;
    while (t < params.maxIter() && !converged) {
      int[][] batches = MiniBatches.of(n, params, t);
      double[] total = new double[d + 1];
      double lossSum = 0;
      for (int bi = 0; bi < batches.length; bi++) {
        int[] batch = batches[bi];
        int m = batch.length;
        ch.send(host, tag("lr2.batch", t, bi), new PayloadWriter().putInts(batch).toByteArray());
        PayloadReader fr = ch.receive(host, tag("lr2.forward", t, bi));
        double[] q = fr.getDoubles("forward", m);
        double hostRegular = fr.getDouble("regular");
        fr.end();
        if (q.length != m) throw refused(tag("lr2.forward", t, bi) + " from " + host, "forward count must be " + m + ", got " + q.length);
        if (hostRegular < 0) throw refused(tag("lr2.forward", t, bi) + " from " + host, "regular must be >= 0, got " + hostRegular);
        double[] residual = new double[m];
        double[] g = new double[d + 1];
        double loss = 0;
        for (int i = 0; i < m; i++) {
          int r = batch[i];
          double wxg = b[0] + HeteroLrGuest.dot(w, x[r]);
          double wx = wxg + 4 * q[i];
          residual[i] = 0.25 * wxg - 0.5 * y[r] + q[i];
          for (int j = 0; j < d; j++) g[j] += residual[i] * x[r][j];
          g[d] += residual[i];
          loss += Math.log(2) - 0.5 * y[r] * wx + 0.125 * wx * wx;
        }
        BigInteger[] encrypted = LrCrypto.encryptAll(workers, obfuscators, residual, f);
        if (t == params.maxIter() - 1 && bi == batches.length - 1) obfuscators.close();
        ch.send(host, tag("lr2.residual", t, bi), new PayloadWriter().putBigIntegers(encrypted).toByteArray());
        lossSum += loss / m + 0.5 * alpha * HeteroLrGuest.dot(w, w) + hostRegular;

        String gt = tag("lr2.masked_gradient", t, bi);
        PayloadReader gr = ch.receive(host, gt);
        BigInteger[] c = gr.getBigIntegers("maskedGradient", hostFeatures, 2 * params.keyBits());
        gr.end();
        if (c.length != hostFeatures) throw refused(gt + " from " + host, "maskedGradient count must be " + hostFeatures + ", got " + c.length);
        LrCrypto.checkCiphertexts(gt + " from " + host, "maskedGradient", c, keys.publicKey());
        BigInteger[] plain = workers.paillier().decrypt(keys.privateKey(), c);
        ch.send(host, tag("lr2.masked_plain", t, bi), new PayloadWriter().putBigIntegers(plain).toByteArray());

        for (int j = 0; j <= d; j++) {
          g[j] /= m;
          if (j < d) g[j] += alpha * w[j];
        }
        double[] delta = optimizer.delta(t, g);
        for (int j = 0; j < d; j++) w[j] -= delta[j];
        b[0] -= delta[d];
        for (int j = 0; j <= d; j++) total[j] += delta[j];
      }
      double loss = lossSum / batches.length;
      history.add(loss);
      switch (params.earlyStop()) {
        case WEIGHT_DIFF -> {
          PayloadReader r = ch.receive(host, tag("lr2.delta_norm", t));
          double hostNorm = r.getDouble("deltaNorm2");
          r.end();
          if (hostNorm < 0) throw refused(tag("lr2.delta_norm", t) + " from " + host, "deltaNorm2 must be >= 0, got " + hostNorm);
          converged = Math.sqrt(HeteroLrGuest.dot(total, total) + hostNorm) < params.tol();
        }
        case DIFF -> converged = previous != null && Math.abs(previous - loss) < params.tol();
        case ABS -> converged = loss <= params.tol();
      }
      previous = loss;
      ch.send(host, tag("lr2.converged", t), new PayloadWriter().putInt(converged ? 1 : 0).toByteArray());
      t++;
    }
    return new Result(new HeteroLrGuestModel(table.featureNames(), Arrays.copyOf(w, d), b[0], t, converged), history);
  }
}
