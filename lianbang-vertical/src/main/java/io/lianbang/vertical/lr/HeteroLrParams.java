package io.lianbang.vertical.lr;

import java.time.Duration;
import java.util.Objects;

/**
 * The settings of a hetero logistic regression run, shared by every party (each party is built
 * with the same values). The defaults reproduce the configuration of FATE 1.11's breast example
 * ({@code examples/benchmark_quality/hetero_lr/breast_config.yaml}: L2, α = 0.01, learning rate
 * 0.15, rmsprop) with the 5 iterations of issue 14; FATE's own parameter defaults
 * ({@code federatedml/param/logistic_regression_param.py}) are given where they differ.
 *
 * @param learningRate the base learning rate η > 0 (default 0.15; FATE's default 0.01)
 * @param decay the learning-rate decay δ ≥ 0 (default 1, as FATE)
 * @param decaySqrt whether the rate decays as η/√(1 + δ·t) (true, default, as FATE) or η/(1 + δ·t),
 *     t the 0-based iteration (FATE's {@code optimizer.set_iters(n_iter_)})
 * @param penalty the regularisation (default L2, as FATE)
 * @param alpha the L2 strength α ≥ 0 (default 0.01; FATE's default 1.0); never applied to the intercept
 * @param optimizer the update rule (default RMSPROP, as FATE)
 * @param maxIter the number of iterations (epochs) at most, ≥ 1 (default 5; FATE's default 100)
 * @param batchSize rows per mini-batch, or -1 for the full batch (default -1, as FATE)
 * @param seed the seed of the mini-batch shuffles (default 0); never used for cryptography
 * @param earlyStop the convergence test run by the arbiter after each iteration (default DIFF, as FATE)
 * @param tol the tolerance of the convergence test, > 0 (default 1e-4, as FATE)
 * @param keyBits the arbiter's Paillier modulus size in bits, even, ≥ 512 (default 1024, as FATE)
 * @param fractionBits fraction bits f of the fixed-point encoding, in [16, 48] (default 40): values
 *     are encrypted as round(x·2^f), products of two encodings carry 2f fraction bits
 * @param timeout the deadline of every receive (default 120 s)
 */
public record HeteroLrParams(double learningRate, double decay, boolean decaySqrt, Penalty penalty, double alpha,
    Optimizer optimizer, int maxIter, int batchSize, long seed, EarlyStop earlyStop, double tol, int keyBits,
    int fractionBits, Duration timeout) {

  /** The regularisation. */
  public enum Penalty {
    /** No penalty. */
    NONE,
    /** α/2·‖w‖² on all weights but the intercept; α·w is added to the gradient (FATE's {@code add_regular_to_grad}). */
    L2
  }

  /** The update rule applied to each coordinate of the gradient (FATE's {@code federatedml/optim/optimizer.py}). */
  public enum Optimizer {
    /** Δ = η_t·g. */
    SGD,
    /** m ← ρ·m + (1 − ρ)·g², Δ = η_t·g/√(m + ε) with ρ = 0.99 and ε = 1e-6 (FATE's {@code _RMSPropOptimizer}). */
    RMSPROP
  }

  /** The convergence test (FATE's {@code federatedml/optim/convergence.py} and the arbiter's {@code fit}). */
  public enum EarlyStop {
    /** Converged when |loss_{t−1} − loss_t| &lt; tol; never at the first iteration. Needs exactly one host. */
    DIFF,
    /** Converged when loss_t ≤ tol. Needs exactly one host. */
    ABS,
    /** Converged when ‖Σ_batches Δ‖₂ &lt; tol, Δ the whole model's update of the iteration. */
    WEIGHT_DIFF
  }

  /** The defaults listed above. */
  public static final HeteroLrParams DEFAULTS = builder().build();

  /** Validates every value. */
  public HeteroLrParams {
    positive("learningRate", learningRate);
    if (!(decay >= 0) || !Double.isFinite(decay)) throw new IllegalArgumentException("decay must be finite and >= 0, got " + decay);
    Objects.requireNonNull(penalty, "penalty");
    if (!(alpha >= 0) || !Double.isFinite(alpha)) throw new IllegalArgumentException("alpha must be finite and >= 0, got " + alpha);
    Objects.requireNonNull(optimizer, "optimizer");
    if (maxIter < 1) throw new IllegalArgumentException("maxIter must be >= 1, got " + maxIter);
    if (batchSize != -1 && batchSize < 1) throw new IllegalArgumentException("batchSize must be -1 (full batch) or >= 1, got " + batchSize);
    Objects.requireNonNull(earlyStop, "earlyStop");
    positive("tol", tol);
    if (keyBits < 512 || keyBits % 2 != 0) throw new IllegalArgumentException("keyBits must be even and >= 512, got " + keyBits);
    if (fractionBits < 16 || fractionBits > 48) throw new IllegalArgumentException("fractionBits must be in [16, 48], got " + fractionBits);
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive, got " + timeout);
  }

  /** The learning rate of 0-based iteration {@code t}: η/√(1 + δ·t) or η/(1 + δ·t). */
  public double learningRateAt(int t) {
    return decaySqrt ? learningRate / Math.sqrt(1 + decay * t) : learningRate / (1 + decay * t);
  }

  /** Whether the run uses the full batch. */
  public boolean fullBatch() {
    return batchSize == -1;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.learningRate = learningRate;
    b.decay = decay;
    b.decaySqrt = decaySqrt;
    b.penalty = penalty;
    b.alpha = alpha;
    b.optimizer = optimizer;
    b.maxIter = maxIter;
    b.batchSize = batchSize;
    b.seed = seed;
    b.earlyStop = earlyStop;
    b.tol = tol;
    b.keyBits = keyBits;
    b.fractionBits = fractionBits;
    b.timeout = timeout;
    return b;
  }

  private static void positive(String name, double v) {
    if (!(v > 0) || !Double.isFinite(v)) throw new IllegalArgumentException(name + " must be finite and > 0, got " + v);
  }

  /** Sets the values one by one; {@link #build} validates them. */
  public static final class Builder {
    private double learningRate = 0.15;
    private double decay = 1;
    private boolean decaySqrt = true;
    private Penalty penalty = Penalty.L2;
    private double alpha = 0.01;
    private Optimizer optimizer = Optimizer.RMSPROP;
    private int maxIter = 5;
    private int batchSize = -1;
    private long seed;
    private EarlyStop earlyStop = EarlyStop.DIFF;
    private double tol = 1e-4;
    private int keyBits = 1024;
    private int fractionBits = 40;
    private Duration timeout = Duration.ofSeconds(120);

    private Builder() {}

    /** See {@link HeteroLrParams#learningRate()}. */
    public Builder learningRate(double v) {
      learningRate = v;
      return this;
    }

    /** See {@link HeteroLrParams#decay()}. */
    public Builder decay(double v) {
      decay = v;
      return this;
    }

    /** See {@link HeteroLrParams#decaySqrt()}. */
    public Builder decaySqrt(boolean v) {
      decaySqrt = v;
      return this;
    }

    /** See {@link HeteroLrParams#penalty()}. */
    public Builder penalty(Penalty v) {
      penalty = v;
      return this;
    }

    /** See {@link HeteroLrParams#alpha()}. */
    public Builder alpha(double v) {
      alpha = v;
      return this;
    }

    /** See {@link HeteroLrParams#optimizer()}. */
    public Builder optimizer(Optimizer v) {
      optimizer = v;
      return this;
    }

    /** See {@link HeteroLrParams#maxIter()}. */
    public Builder maxIter(int v) {
      maxIter = v;
      return this;
    }

    /** See {@link HeteroLrParams#batchSize()}. */
    public Builder batchSize(int v) {
      batchSize = v;
      return this;
    }

    /** See {@link HeteroLrParams#seed()}. */
    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /** See {@link HeteroLrParams#earlyStop()}. */
    public Builder earlyStop(EarlyStop v) {
      earlyStop = v;
      return this;
    }

    /** See {@link HeteroLrParams#tol()}. */
    public Builder tol(double v) {
      tol = v;
      return this;
    }

    /** See {@link HeteroLrParams#keyBits()}. */
    public Builder keyBits(int v) {
      keyBits = v;
      return this;
    }

    /** See {@link HeteroLrParams#fractionBits()}. */
    public Builder fractionBits(int v) {
      fractionBits = v;
      return this;
    }

    /** See {@link HeteroLrParams#timeout()}. */
    public Builder timeout(Duration v) {
      timeout = v;
      return this;
    }

    /**
     * The parameters.
     *
     * @throws IllegalArgumentException naming the parameter and value if one is out of range
     */
    public HeteroLrParams build() {
      return new HeteroLrParams(learningRate, decay, decaySqrt, penalty, alpha, optimizer, maxIter, batchSize, seed, earlyStop,
          tol, keyBits, fractionBits, timeout);
    }
  }
}
