package io.lianbang.privacy.dp;

import java.util.Arrays;

/**
 * Tracks the privacy spent by a sequence of sampled Gaussian mechanisms (DP-SGD steps or DP-FedAvg
 * rounds) as Rényi differential privacy at a fixed set of orders, and converts it to (ε, δ).
 *
 * <p>Composition adds RDP order by order (Mironov, "Rényi Differential Privacy", CSF 2017,
 * Proposition 1); each step's RDP is {@link SampledGaussianRdp#rdp}. {@link #spent} uses the
 * Balle et al. 2020 conversion, {@link #spentClassic} the classic one; both minimise over
 * {@link #DEFAULT_ORDERS} unless other orders are given.
 *
 * <p>For DP-FedAvg (McMahan et al., ICLR 2018), a round samples each client with probability
 * q = clients per round / total clients and adds noise z·C to the sum of clipped updates, so a
 * round is one step with {@code q} and noise multiplier {@code z}.
 *
 * <p>Not thread-safe.
 */
final class RdpAccountant {
  /**
   * The orders TensorFlow Privacy uses by default: 1.1, 1.2, ..., 10.9 and 12, 13, ..., 63 (the
   * published ε values below are minimised over these).
   */
  public static final double[] DEFAULT_ORDERS = defaultOrders();

  private final double[] orders;
  private final double[] rdp;
  private long steps;
  // The one-step RDP of the last (q, z) composed: DP-FedAvg composes the same mechanism every
  // round, and the fractional-order series is slow for large q (about a second per round at q = 0.5).
  private double cachedQ = Double.NaN;
  private double cachedZ = Double.NaN;
  private double[] cachedStep;

  /** An accountant at the default orders with nothing spent. */
  public RdpAccountant() {
    this(DEFAULT_ORDERS);
  }

  /**
   * An accountant at the given orders with nothing spent.
   *
   * @throws IllegalArgumentException if there is no order or one is not &gt; 1
   */
  public RdpAccountant(double[] orders) {
    if (orders.length == 0) throw new IllegalArgumentException("RDP accountant needs at least one order");
    for (double a : orders) {
      if (!(a > 1)) throw new IllegalArgumentException("RDP order must be > 1, got " + a);
    }
    this.orders = orders.clone();
    this.rdp = new double[orders.length];
  }

  private static double[] defaultOrders() {
    double[] o = new double[99 + 52];
    for (int x = 1; x < 100; x++) o[x - 1] = 1 + x / 10.0;
    for (int a = 12; a < 64; a++) o[99 + a - 12] = a;
    return o;
  }

  /**
   * Records {@code steps} runs of the sampled Gaussian mechanism.
   *
   * @param q sampling probability in [0, 1]
   * @param noiseMultiplier noise standard deviation over sensitivity, &gt;= 0
   */
  public RdpAccountant compose(double q, double noiseMultiplier, long steps) {
    if (steps < 0) throw new IllegalArgumentException("steps must be >= 0, got " + steps);
    if (steps == 0) return this;
    if (cachedStep == null || Double.compare(q, cachedQ) != 0 || Double.compare(noiseMultiplier, cachedZ) != 0) {
      double[] step = new double[orders.length];
      for (int i = 0; i < orders.length; i++) step[i] = SampledGaussianRdp.rdp(q, noiseMultiplier, 1, orders[i]);
      cachedQ = q;
      cachedZ = noiseMultiplier;
      cachedStep = step;
    }
    // RDP of the sampled Gaussian mechanism composes linearly: steps × the one-step value.
    for (int i = 0; i < orders.length; i++) rdp[i] += cachedStep[i] * steps;
    this.steps += steps;
    return this;
  }

  /** An independent accountant with the same orders and the same privacy spent. */
  public RdpAccountant copy() {
    RdpAccountant c = new RdpAccountant(orders);
    System.arraycopy(rdp, 0, c.rdp, 0, rdp.length);
    c.steps = steps;
    c.cachedQ = cachedQ;
    c.cachedZ = cachedZ;
    c.cachedStep = cachedStep; // never modified after creation

    return c;
  }

  /** How many steps have been recorded. */
  public long steps() {
    return steps;
  }

  /** The RDP spent at each order (a copy, in the order of {@link #orders()}). */
  public double[] rdp() {
    return rdp.clone();
  }

  /** The orders tracked (a copy). */
  public double[] orders() {
    return orders.clone();
  }

  /** (ε, δ) spent so far, with the conversion of Balle et al. 2020. */
  public PrivacySpent spent(double delta) {
    return RdpConversion.tight(orders, rdp, delta);
  }

  /** (ε, δ) spent so far, with the classic conversion of Mironov 2017. */
  public PrivacySpent spentClassic(double delta) {
    return RdpConversion.classic(orders, rdp, delta);
  }

  @Override
  public String toString() {
    return "RdpAccountant[steps=" + steps + ", orders=" + Arrays.toString(orders) + "]";
  }
}
