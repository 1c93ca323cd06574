package io.lianbang.vertical.boost;

import java.time.Duration;
import java.util.Objects;

/**
 * Hyper-parameters of SecureBoost and of its plaintext reference {@link GbdtReference}: binary
 * classification with the logistic loss, second-order boosting as in XGBoost (Chen and Guestrin,
 * "XGBoost: A Scalable Tree Boosting System", KDD 2016, Section 2.2).
 *
 * <p>A split of a node with gradient and hessian sums G, H into left (G_L, H_L) and right (G_R, H_R)
 * has gain ½·[G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)]; it is taken if the gain exceeds {@code
 * minGain} and both children have hessian sums of at least {@code minChildWeight}. A leaf's weight
 * is −G/(H+λ)·{@code learningRate}.
 *
 * @param trees boosting rounds, one tree each, in [1, 1000] (default 5, FATE's num_trees)
 * @param maxDepth the largest tree depth, in [1, 16] (default 3, FATE's max_depth)
 * @param maxBins the most quantile bins per feature, in [2, 256] (default 32, FATE's bin_num)
 * @param learningRate the shrinkage η, in (0, 1] (default 0.3, FATE's learning_rate)
 * @param lambda the L2 regularisation λ of leaf weights, ≥ 0 (default 0.1, FATE's criterion_params[0])
 * @param minChildWeight the least hessian sum of a child, ≥ 0 (default 0)
 * @param minGain the least gain of a split, ≥ 0 (default 0: any positive gain)
 * @param receiveTimeout the deadline of every receive, positive (default 5 minutes: a host builds a
 *     level's encrypted histograms within it)
 */
public record BoostParams(int trees, int maxDepth, int maxBins, double learningRate, double lambda, double minChildWeight, double minGain,
    Duration receiveTimeout) {
  /** The defaults listed above. */
  public static final BoostParams DEFAULTS = new BoostParams(5, 3, 32, 0.3, 0.1, 0, 0, Duration.ofMinutes(5));

  /** Validates every parameter, naming it and its value. */
  public BoostParams {
    if (trees < 1 || trees > 1000) throw new IllegalArgumentException("trees must be in [1, 1000], got " + trees);
    if (maxDepth < 1 || maxDepth > 16) throw new IllegalArgumentException("maxDepth must be in [1, 16], got " + maxDepth);
    if (maxBins < 2 || maxBins > 256) throw new IllegalArgumentException("maxBins must be in [2, 256], got " + maxBins);
    if (!(learningRate > 0 && learningRate <= 1)) throw new IllegalArgumentException("learningRate must be in (0, 1], got " + learningRate);
    if (!(lambda >= 0) || !Double.isFinite(lambda)) throw new IllegalArgumentException("lambda must be finite and >= 0, got " + lambda);
    if (!(minChildWeight >= 0) || !Double.isFinite(minChildWeight)) {
      throw new IllegalArgumentException("minChildWeight must be finite and >= 0, got " + minChildWeight);
    }
    if (!(minGain >= 0) || !Double.isFinite(minGain)) throw new IllegalArgumentException("minGain must be finite and >= 0, got " + minGain);
    Objects.requireNonNull(receiveTimeout, "receiveTimeout");
    if (receiveTimeout.isNegative() || receiveTimeout.isZero()) throw new IllegalArgumentException("receiveTimeout must be positive, got " + receiveTimeout);
  }

  /** A builder starting from {@link #DEFAULTS}. */
  public static Builder builder() {
    return new Builder(DEFAULTS);
  }

  /** A builder starting from these parameters. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds {@link BoostParams}; {@link #build} validates. */
  public static final class Builder {
    private int trees;
    private int maxDepth;
    private int maxBins;
    private double learningRate;
    private double lambda;
    private double minChildWeight;
    private double minGain;
    private Duration receiveTimeout;

    private Builder(BoostParams p) {
      trees = p.trees;
      maxDepth = p.maxDepth;
      maxBins = p.maxBins;
      learningRate = p.learningRate;
      lambda = p.lambda;
      minChildWeight = p.minChildWeight;
      minGain = p.minGain;
      receiveTimeout = p.receiveTimeout;
    }

    /** Boosting rounds. */
    public Builder trees(int v) {
      trees = v;
      return this;
    }

    /** Largest tree depth. */
    public Builder maxDepth(int v) {
      maxDepth = v;
      return this;
    }

    /** Most bins per feature. */
    public Builder maxBins(int v) {
      maxBins = v;
      return this;
    }

    /** Shrinkage η. */
    public Builder learningRate(double v) {
      learningRate = v;
      return this;
    }

    /** L2 regularisation λ. */
    public Builder lambda(double v) {
      lambda = v;
      return this;
    }

    /** Least hessian sum of a child. */
    public Builder minChildWeight(double v) {
      minChildWeight = v;
      return this;
    }

    /** Least gain of a split. */
    public Builder minGain(double v) {
      minGain = v;
      return this;
    }

    /** Deadline of every receive. */
    public Builder receiveTimeout(Duration v) {
      receiveTimeout = v;
      return this;
    }

    /**
     * The parameters.
     *
     * @throws IllegalArgumentException naming the first parameter out of range
     */
    public BoostParams build() {
      return new BoostParams(trees, maxDepth, maxBins, learningRate, lambda, minChildWeight, minGain, receiveTimeout);
    }
  }
}
