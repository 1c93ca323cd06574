package io.lianbang.vertical.boost;

/**
 * The logistic (cross-entropy) loss of binary boosting and the fixed-point form of its gradients.
 *
 * <p>With margin s and label y ∈ {0, 1}, p = 1/(1 + e^−s), the gradient is g = p − y ∈ [−1, 1] and
 * the hessian h = p(1 − p) ∈ [0, ¼]. The initial margin of every row is the log-odds of the base
 * rate, log(ȳ/(1 − ȳ)) (FATE's cross-entropy initial score; XGBoost's {@code base_score} = ȳ).
 *
 * <p>Gradients are rounded to fixed point, q = rint(g·2^f) with f = {@link #FRACTION_BITS}, before
 * anyone sums them, and sums are formed exactly over these integers: the guest's plaintext sums,
 * the hosts' encrypted sums (packed as {@link io.lianbang.privacy.paillier.PackedEncoding} packs
 * them) and {@link GbdtReference}'s sums are then the same numbers, bit for bit.
 */
public final class Logistic {
  /** Fraction bits of the fixed-point gradients: a rounding error of at most 2^−41 per value. */
  public static final int FRACTION_BITS = 40;

  private static final double SCALE = Math.scalb(1.0, FRACTION_BITS);

  private Logistic() {}

  /** 1/(1 + e^−s). */
  public static double sigmoid(double s) {
    return 1 / (1 + Math.exp(-s));
  }

  /**
   * The initial margin log(ȳ/(1 − ȳ)) of {@code labels}.
   *
   * @throws IllegalArgumentException if a label is not 0 or 1, or all labels are equal
   */
  public static double initScore(double[] labels) {
    double ones = 0;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != 0 && labels[i] != 1) throw new IllegalArgumentException("label of row " + i + " must be 0 or 1, got " + labels[i]);
      ones += labels[i];
    }
    if (ones == 0 || ones == labels.length) throw new IllegalArgumentException("labels must contain both classes, got " + (long) ones + " ones of " + labels.length);
    double rate = ones / labels.length;
    return Math.log(rate / (1 - rate));
  }

  /** Fixed-point gradients {@code q[0][row]} and hessians {@code q[1][row]} at margins {@code scores}. */
  public static long[][] fixedPointGradients(double[] scores, double[] labels) {
    long[][] q = new long[2][scores.length];
    for (int r = 0; r < scores.length; r++) {
      double p = sigmoid(scores[r]);
      q[0][r] = toFixed(p - labels[r]);
      q[1][r] = toFixed(p * (1 - p));
    }
    return q;
  }

  /** rint(x·2^f), the fixed-point form of a gradient or hessian (as PackedEncoding rounds). */
  public static long toFixed(double x) {
    return (long) Math.rint(Math.scalb(x, FRACTION_BITS));
  }

  /** The double value of a fixed-point sum. */
  public static double fromFixed(long sum) {
    return (double) sum / SCALE;
  }
}
