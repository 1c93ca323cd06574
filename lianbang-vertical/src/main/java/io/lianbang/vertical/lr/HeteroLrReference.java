package io.lianbang.vertical.lr;

import io.lianbang.vertical.data.VerticalTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The plaintext, single-process reference of hetero logistic regression: the update rule of FATE
 * 1.11's hetero LR ({@code federatedml/optim/gradient/hetero_lr_gradient_and_loss.py},
 * {@code hetero_linear_model_gradient.py}, {@code optim/optimizer.py},
 * {@code base_linear_model_arbiter.py}) on the joined table, written independently of the
 * federated roles so that they can be checked against it. Per batch B of iteration t:
 *
 * <pre>
 *   y ∈ {−1, 1} (label 1 ↦ 1, anything else ↦ −1);  wx_i = w·x_i + b,  weights start at 0
 *   d_i = 0.25·wx_i − 0.5·y_i                           (Taylor expansion of the logistic loss at 0)
 *   g_j = (1/|B|)·Σ_i d_i·x_ij + α·w_j,  g_b = (1/|B|)·Σ_i d_i   (L2 never on the intercept b)
 *   loss = log 2 − (1/|B|)·Σ_i ½·y_i·wx_i + (1/|B|)·Σ_i ⅛·wx_i² + α/2·‖w‖²   (before the update)
 *   RMSprop: m ← 0.99·m + 0.01·g²,  w ← w − η_t·g/√(m + 1e-6),  η_t = η/√(1 + δ·t)
 * </pre>
 *
 * The iteration's loss is the mean of its batch losses; the convergence tests are those of
 * {@link HeteroLrParams.EarlyStop}. The Taylor approximation of the logistic loss for vertical LR is
 * that of S. Hardy et al., "Private federated learning on vertically partitioned data via entity
 * resolution and additively homomorphic encryption", arXiv:1711.10677, 2017.
 */
public final class HeteroLrReference {
  private HeteroLrReference() {}

  /**
   * A trained model in the clear.
   *
   * @param guestWeights the weights of the guest's features
   * @param intercept the intercept
   * @param hostWeights the weights of each host's features
   * @param lossHistory the mean Taylor loss of each iteration
   * @param iterations the iterations run
   * @param converged whether the convergence test held before {@code maxIter}
   */
  public record Model(double[] guestWeights, double intercept, List<double[]> hostWeights, List<Double> lossHistory, int iterations,
      boolean converged) {
    /** The probability of label 1 for each row of the aligned tables. */
    public double[] probabilities(VerticalTable guest, List<VerticalTable> hosts) {
      double[] p = new double[guest.rows()];
      for (int i = 0; i < p.length; i++) {
        double s = intercept + HeteroLrGuest.dot(guestWeights, guest.features()[i]);
        for (int k = 0; k < hosts.size(); k++) s += HeteroLrGuest.dot(hostWeights.get(k), hosts.get(k).features()[i]);
        p[i] = 1 / (1 + Math.exp(-s));
      }
      return p;
    }
  }

  /**
   * Trains on the guest's table (with labels) and the hosts' tables, rows aligned.
   *
   * @throws IllegalArgumentException if the tables do not align or the early stop needs a loss that
   *     the protocol does not compute (DIFF or ABS with more than one host)
   */
  public static Model fit(VerticalTable guest, List<VerticalTable> hosts, HeteroLrParams params) {
    if (!guest.hasLabels()) throw new IllegalArgumentException("the guest's table must hold the labels");
    if (hosts.size() > 1 && params.earlyStop() != HeteroLrParams.EarlyStop.WEIGHT_DIFF) {
      throw new IllegalArgumentException("earlyStop " + params.earlyStop() + " needs the loss, computed with one host only; use WEIGHT_DIFF");
    }
    int n = guest.rows();
    for (VerticalTable h : hosts) {
      if (h.rows() != n) throw new IllegalArgumentException("a host has " + h.rows() + " rows, the guest " + n);
    }
    // the joined row: guest features, each host's features, then 1 for the intercept
    int[] offsets = new int[hosts.size() + 1];
    int p = guest.columns();
    for (int k = 0; k < hosts.size(); k++) {
      offsets[k] = p;
      p += hosts.get(k).columns();
    }
    offsets[hosts.size()] = p;
    int dim = p + 1;
    double[][] x = new double[n][dim];
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(guest.features()[i], 0, x[i], 0, guest.columns());
      for (int k = 0; k < hosts.size(); k++) System.arraycopy(hosts.get(k).features()[i], 0, x[i], offsets[k], hosts.get(k).columns());
      x[i][p] = 1;
      y[i] = guest.labels()[i] == 1 ? 1 : -1;
    }
    double alpha = params.penalty() == HeteroLrParams.Penalty.L2 ? params.alpha() : 0;
    double[] w = new double[dim];
    double[] m = new double[dim];
    List<Double> history = new ArrayList<>();
    Double previous = null;
    boolean converged = false;
    int t = 0;
    while (t < params.maxIter() && !converged) {
      double lr = params.decaySqrt() ? params.learningRate() / Math.sqrt(1 + params.decay() * t)
          : params.learningRate() / (1 + params.decay() * t);
      double[] total = new double[dim];
      double lossSum = 0;
      int[][] batches = MiniBatches.of(n, params, t);
      for (int[] batch : batches) {
        double[] g = new double[dim];
        double loss = 0;
        for (int i : batch) {
          double wx = 0;
          for (int j = 0; j < dim; j++) wx += w[j] * x[i][j];
          double d = 0.25 * wx - 0.5 * y[i];
          for (int j = 0; j < dim; j++) g[j] += d * x[i][j];
          loss += Math.log(2) - 0.5 * y[i] * wx + 0.125 * wx * wx;
        }
        double norm = 0;
        for (int j = 0; j < p; j++) norm += w[j] * w[j];
        lossSum += loss / batch.length + 0.5 * alpha * norm;
        for (int j = 0; j < dim; j++) {
          g[j] /= batch.length;
          if (j < p) g[j] += alpha * w[j];
          double delta;
          if (params.optimizer() == HeteroLrParams.Optimizer.RMSPROP) {
            m[j] = 0.99 * m[j] + 0.01 * g[j] * g[j];
            delta = lr * g[j] / Math.sqrt(m[j] + 1e-6);
          } else {
            delta = lr * g[j];
          }
          w[j] -= delta;
          total[j] += delta;
        }
      }
      double loss = lossSum / batches.length;
      history.add(loss);
      converged = switch (params.earlyStop()) {
        case DIFF -> previous != null && Math.abs(previous - loss) < params.tol();
        case ABS -> loss <= params.tol();
        case WEIGHT_DIFF -> {
          double s = 0;
          for (double v : total) s += v * v;
          yield Math.sqrt(s) < params.tol();
        }
      };
      previous = loss;
      t++;
    }
    List<double[]> hostWeights = new ArrayList<>();
    for (int k = 0; k < hosts.size(); k++) hostWeights.add(Arrays.copyOfRange(w, offsets[k], offsets[k + 1]));
    return new Model(Arrays.copyOf(w, guest.columns()), w[p], hostWeights, history, t, converged);
  }
}
