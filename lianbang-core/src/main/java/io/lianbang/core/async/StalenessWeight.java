package io.lianbang.core.async;

/**
 * The polynomial staleness weight {@code s(τ) = (1 + τ)^(-a)} of asynchronous federated learning:
 * an update computed from a model {@code τ} server versions old counts {@code s(τ)} times as much
 * as a fresh one. {@code a = 0.5} is FedBuff's default {@code 1/√(1+τ)} (Nguyen et al., "Federated
 * Learning with Buffered Asynchronous Aggregation", AISTATS 2022, §3); {@code a = 0} weighs every
 * update equally; the family is FedAsync's polynomial function (Xie, Koyejo &amp; Gupta,
 * "Asynchronous Federated Optimization", 2019).
 *
 * <p>Computed with {@link StrictMath}, so the weight is the same bits on every machine.
 *
 * @param exponent {@code a}, finite and &ge; 0
 */
public record StalenessWeight(double exponent) {
  /** FedBuff's default, {@code 1/√(1+τ)}. */
  public static final StalenessWeight FEDBUFF = new StalenessWeight(0.5);

  public StalenessWeight {
    if (!(exponent >= 0) || !Double.isFinite(exponent)) {
      throw new IllegalArgumentException("staleness exponent must be finite and >= 0, got " + exponent);
    }
  }

  /**
   * {@code (1 + τ)^(-a)}, in (0, 1].
   *
   * @throws IllegalArgumentException if {@code staleness} is negative
   */
  public double weight(int staleness) {
    if (staleness < 0) throw new IllegalArgumentException("staleness must be >= 0, got " + staleness);
    if (exponent == 0 || staleness == 0) return 1.0;
    if (exponent == 0.5) return 1.0 / StrictMath.sqrt(1.0 + staleness);
    return StrictMath.pow(1.0 + staleness, -exponent);
  }
}
