package io.lianbang.privacy.dp;

import io.lianbang.core.aggregate.WeightedMetrics;
import io.lianbang.core.strategy.ClientFailure;
import io.lianbang.core.strategy.FitAggregation;
import io.lianbang.core.strategy.FitOutcome;
import io.lianbang.core.strategy.RoundContext;
import io.lianbang.core.strategy.Strategy;
import io.lianbang.core.task.FitResult;
import io.lianbang.core.task.Metrics;
import io.lianbang.core.tensor.ParameterMath;
import io.lianbang.core.tensor.Parameters;
import java.util.List;
import java.util.Optional;

/**
 * Client-level DP-FedAvg with clipping on the server (H. B. McMahan, D. Ramage, K. Talwar,
 * L. Zhang, "Learning Differentially Private Recurrent Language Models", ICLR 2018, Algorithm 1
 * with the flat clipping estimator): each client's update Δ = trained − global is clipped to L2
 * norm C, the m clipped updates are averaged with equal weights, and Gaussian noise of standard
 * deviation z·C/m is added to the mean before the wrapped strategy's server-side update. The
 * server sees the individual updates (it clips them), so this protects the released models, not
 * the updates; combine client-side clipping with secure aggregation to hide the updates too.
 *
 * <p>With {@code adaptive}, C follows the γ-quantile of the update norms (G. Andrew, O. Thakkar,
 * H. B. McMahan, S. Ramaswamy, "Differentially Private Learning with Adaptive Clipping",
 * NeurIPS 2021, Algorithm 1): b = share of updates with norm ≤ C, released with noise of standard
 * deviation σ_b = m/20 (divided by m), and C ← C·exp(−η_C (b̃ − γ)). The update noise multiplier
 * becomes z_Δ = (z^{-2} − (2σ_b)^{-2})^{-1/2}, so the round as a whole has noise multiplier z and
 * the accountant's ε holds for both releases.
 *
 * <p>After each round the metrics carry {@code dp_epsilon} (ε at the configured δ, Balle et al.
 * 2020 conversion) and {@code dp_clip}.
 */
public final class DpFedAvgServerClipping extends DpFedAvgBase {
  private double clip;

  /**
   * @throws IllegalArgumentException if {@code inner} needs individual updates
   */
  public DpFedAvgServerClipping(Strategy inner, DpSettings settings, NoiseSource noise) {
    super(inner, settings, noise);
    this.clip = settings.clip();
  }

  /** The current clipping norm. */
  public synchronized double clip() {
    return clip;
  }

  @Override
  double updateNoiseMultiplier(int sampled) {
    double z = settings.noiseMultiplier();
    if (!settings.adaptive() || z == 0) return z;
    double sigmaB = sampled / 20.0;
    double inv = 1 / (z * z) - 1 / (4 * sigmaB * sigmaB);
    if (inv <= 0) {
      throw new IllegalArgumentException("dp.noise_multiplier must be below 2·σ_b = " + 2 * sigmaB + " for adaptive clipping with "
          + sampled + " clients per round (σ_b = m/20), got " + z + ": sample more clients per round or use fixed clipping");
    }
    return 1 / Math.sqrt(inv);
  }

  @Override
  public FitAggregation beginFit(RoundContext context) {
    Parameters global = context.global();
    double c = clip();
    return new FitAggregation() {
      private final double[] sum = new double[(int) global.elementCount()];
      private final WeightedMetrics metrics = new WeightedMetrics();
      private int m;
      private int under;

      @Override
      public void accept(String clientId, FitResult result) {
        float[] d = ParameterMath.subtractFlat(result.parameters(), global);
        double norm = Clipping.clipInPlace(d, c);
        if (norm <= c) under++;
        for (int i = 0; i < d.length; i++) sum[i] += d[i];
        m++;
        metrics.add(clientId, result.metrics(), result.numExamples());
      }

      @Override
      public FitOutcome complete(List<ClientFailure> failures) {
        if (m == 0) return new FitOutcome(Optional.empty(), metrics.mean());
        Parameters noisy = release(context, sum, m, c);
        Metrics extra = metrics.mean().with("dp_clip", c);
        if (settings.adaptive()) {
          double sigmaB = sampled(context) / 20.0;
          double b = (under + sigmaB * noise.gaussian()) / m;
          synchronized (DpFedAvgServerClipping.this) {
            clip = c * Math.exp(-settings.clipLearningRate() * (b - settings.targetQuantile()));
          }
        }
        return handOver(context, noisy, m, extra, failures);
      }
    };
  }

  @Override
  public String toString() {
    return "DpFedAvgServerClipping(" + inner + ")";
  }
}
